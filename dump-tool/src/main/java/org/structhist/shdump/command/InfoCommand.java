package org.structhist.shdump.command;

import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.output.Json;
import org.structhist.shdump.output.Style;
import org.structhist.render.Table;
import org.structhist.render.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code shdump info}: what the file is, which lists it holds, who wrote it. */
@Command(
    name = "info",
    header = "What the file holds: its lists, how full they are, and who wrote it.",
    description = "The file's format version, size and clock base; each list with its window, how full it is, how " +
    "many objects were pushed and pushed out, events kept and dropped; each writer with its pid, start time, last " +
    "heartbeat and whether it is alive now.",
    footerHeading = "%nExamples:%n",
    footer = {"  shdump info", "  shdump --file /dev/shm/app.hist info --json"})
public final class InfoCommand extends FileCommand implements Callable<Integer>
{
    @Option(names = "--json", description = "JSON lines: a \"file\" object, then \"list\" and \"writer\" objects.")
    boolean json;

    @Override
    public Integer call()
    {
        final HistoryReader reader = reader();
        final PrintWriter out = out();
        final Style style = style();
        final long now = System.currentTimeMillis();
        final java.util.List<ListInfo> lists = reader.lists();
        final java.util.List<WriterInfo> writers = reader.writers();

        if (json)
        {
            out.println(Json.object().field("type", "file").field("path", reader.name())
                .field("formatVersion", reader.formatVersion()).field("bytes", reader.layout().fileLength)
                .field("creatorPid", reader.creatorPid())
                .field("clockBase", Times.iso(reader.clockBaseWallNanos()))
                .field("clockBaseMonotonicNanos", reader.clockBaseMonotonicNanos())
                .field("stringBytesUsed", reader.stringBytesUsed())
                .field("stringBytes", reader.layout().stringDataLength)
                .field("stringsNotInterned", reader.stringsNotInterned())
                .field("threadsRegistered", reader.threadsRegistered())
                .field("threadsNotRegistered", reader.threadsNotRegistered())
                .field("verbsNotRegistered", reader.verbsNotRegistered())
                .field("writersNotRegistered", reader.writersNotRegistered()));
        }
        else
        {
            out.println(style.bold(reader.name()));
            out.println("  format version " + reader.formatVersion() + ", " + reader.layout().fileLength +
                " bytes, created by pid " + reader.creatorPid() + " at " +
                Times.full(reader.clockBaseWallNanos()) + " UTC");
            out.println("  strings: " + reader.stringBytesUsed() + " of " + reader.layout().stringDataLength +
                " bytes used" + warn(style, reader.stringsNotInterned(), "not interned (table full)") +
                "; threads named: " + reader.threadsRegistered() +
                warn(style, reader.threadsNotRegistered(), "unnamed (table full)") +
                warn(style, reader.verbsNotRegistered(), "verbs not registered") +
                warn(style, reader.writersNotRegistered(), "writers unlisted (registry full)"));
            out.println();
        }

        final Table listTable = new Table("LIST", "WINDOW", "IN USE", "PUSHED", "PUSHED OUT", "EVENTS/OBJ",
            "KEPT", "DROPPED", "STALE", "OPTIONS").alignRight(1, 2, 3, 4, 5, 6, 7, 8);
        for (final ListInfo list : lists)
        {
            long kept = 0;
            long dropped = 0;
            if (list.problem() == null)
            {
                for (final Incarnation incarnation : reader.incarnations(list))
                {
                    kept += Math.min(incarnation.eventCount(), list.eventsPerObject());
                    dropped += incarnation.droppedEvents();
                }
            }
            final String options = (list.coarseClock() ? "coarse clock" : "exact clock") +
                (list.checksums() ? ", checksums" : ", no checksums") + (list.stacks() ? ", stacks" : "") +
                ", " + list.pinnedFirst() + " first kept, " + list.entrySize() + "-byte records" +
                (list.eventsRefused() > 0 ? ", " + list.eventsRefused() + " events refused (count saturated)" : "") +
                (list.foreignHandleClaims() > 0 ? ", " + list.foreignHandleClaims() +
                    " events refused (handle not of this list)" : "") +
                (list.staleEventsUnattributed() > 0 ? ", " + list.staleEventsUnattributed() +
                    " stale events not attributed to their push" : "") +
                (list.problem() == null ? "" : ", CORRUPT: " + list.problem());
            if (json)
            {
                out.println(Json.object().field("type", "list").field("name", list.name()).field("index", list.index())
                    .field("window", list.window()).field("inUse", list.occupancy()).field("pushed", list.totalPushed())
                    .field("pushedOut", list.pushedOut()).field("eventsPerObject", list.eventsPerObject())
                    .field("pinnedFirst", list.pinnedFirst()).field("entrySize", list.entrySize())
                    .field("eventsKept", kept).field("eventsDropped", dropped)
                    .field("staleEventsDropped", list.staleEventsDropped()).field("eventsRefused", list.eventsRefused())
                    .field("foreignHandleClaims", list.foreignHandleClaims())
                    .field("staleEventsUnattributed", list.staleEventsUnattributed())
                    .field("coarseClock", list.coarseClock()).field("checksums", list.checksums())
                    .field("stacks", list.stacks()).field("problem", list.problem()));
                continue;
            }
            listTable.row(list.name(), String.valueOf(list.window()), String.valueOf(list.occupancy()),
                String.valueOf(list.totalPushed()), String.valueOf(list.pushedOut()),
                String.valueOf(list.eventsPerObject()), String.valueOf(kept), String.valueOf(dropped),
                String.valueOf(list.staleEventsDropped()), options);
        }

        final Table writerTable = new Table("PID", "STARTED (UTC)", "LAST HEARTBEAT", "STATE").alignRight(0);
        for (final WriterInfo writer : writers)
        {
            final String state = writer.alive() ? (writer.detached() ? "alive, detached" : "alive") :
                (writer.detached() ? "exited (detached cleanly)" : "dead (did not detach: crashed or killed)");
            if (json)
            {
                out.println(Json.object().field("type", "writer").field("pid", writer.pid())
                    .field("started", writer.processStartMillis() == 0 ? null :
                        Times.iso(writer.processStartMillis() * 1_000_000L))
                    .field("heartbeat", Times.iso(writer.heartbeatMillis() * 1_000_000L))
                    .field("alive", writer.alive()).field("detached", writer.detached()));
                continue;
            }
            writerTable.row(String.valueOf(writer.pid()),
                writer.processStartMillis() == 0 ? "?" : Times.full(writer.processStartMillis() * 1_000_000L),
                ago(now - writer.heartbeatMillis()), state);
        }
        if (!json)
        {
            out.println(style.bold("lists"));
            if (listTable.isEmpty())
            {
                out.println("  (none)");
            }
            else
            {
                listTable.print(out, "  ", style, null);
            }
            out.println();
            out.println(style.bold("writers"));
            if (writerTable.isEmpty())
            {
                out.println("  (none)");
            }
            else
            {
                writerTable.print(out, "  ", style, (column, cell, row) ->
                    column == 3 && row[3].startsWith("dead") ? style.red(cell) : cell);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static String warn(final Style style, final int count, final String what)
    {
        return count == 0 ? "" : style.yellow(", " + count + " " + what);
    }

    private static String ago(final long millis)
    {
        if (millis < 0)
        {
            return "just now";
        }
        if (millis < 120_000)
        {
            return (millis / 1000) + " s ago";
        }
        if (millis < 7_200_000)
        {
            return (millis / 60_000) + " min ago";
        }
        if (millis < 172_800_000)
        {
            return (millis / 3_600_000) + " h ago";
        }
        return (millis / 86_400_000) + " days ago";
    }
}
