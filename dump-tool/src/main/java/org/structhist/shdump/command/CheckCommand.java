package org.structhist.shdump.command;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AnomalyKind;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.EvictedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.shdump.output.HtmlReport;
import org.structhist.shdump.output.Json;
import org.structhist.shdump.output.Style;
import org.structhist.render.Table;
import org.structhist.render.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code shdump check}: audits every history in the window; exit 1 if any anomaly that is a bug. */
@Command(
    name = "check",
    header = "Audit every history for refcount and lifetime bugs; exit 1 if any.",
    description = "Audits every history in the window and prints one line per anomaly, with the address, generation " +
    "and the first event that proves it (position, time, pid, thread, verb), and where the history shows it the " +
    "cause in one line: an event after DESTROY (use after free), a refcount below zero, a reference taken from zero, " +
    "zero reached twice, a double DESTROY, a DESTROY while references remain, an address pushed again while live, an " +
    "object still live when every process that used it is dead (leak at death), a writer that died mid-record, a " +
    "corrupt record. Where events carry counts it judges by them; elsewhere only what the timestamps prove (see " +
    "docs/DESIGN.md). Events logged through stale handles (STALE_HANDLE_EVENTS) are information about a window too " +
    "small, not bugs. Exit code 1 if there is any bug, for scripts.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump check",
        "  shdump check --html anomalies.html",
        "  shdump check --list 'TCP con' --json | jq -r 'select(.information == false) | .address'"})
public final class CheckCommand extends FileCommand implements Callable<Integer>
{
    @Option(names = "--list", paramLabel = "NAME", description = "Only this list.")
    String list;

    @Option(names = "--json", description = "JSON lines: one \"anomaly\" object per anomaly, then a \"summary\".")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE",
        description = "Also write FILE: a self-contained HTML page drawing every history with an anomaly, bugs " +
            "first (at most " + HtmlReport.MAX_SECTIONS + "); replaced if it exists.")
    String html;

    @picocli.CommandLine.Mixin
    RunFilter runs;

    @Override
    public Integer call()
    {
        final HistoryReader reader = reader();
        final HistoryAudit audit = new HistoryAudit(reader);
        final PrintWriter out = out();
        final Style style = style();
        runs.resolve(reader);
        final List<ListInfo> lists =
            reader.lists().stream().filter(l -> list == null || l.name().equals(list)).toList();
        if (list != null && lists.isEmpty())
        {
            throw new ShdumpException(ExitCode.USAGE, "no list '" + list + "' in " + reader.name());
        }
        final Table table = new Table("ANOMALY", "LIST", "ADDRESS", "GEN", "#", "TIME (UTC)", "PID", "THREAD", "VERB",
            "DETAIL").alignRight(3, 4, 6);
        int histories = 0;
        int withAnomalies = 0;
        int anomalies = 0;
        int information = 0;
        final List<AuditedHistory> bugs = new java.util.ArrayList<>();
        final List<AuditedHistory> notes = new java.util.ArrayList<>();
        for (final ListInfo info : lists)
        {
            if (info.problem() != null)
            {
                err().println("shdump: list '" + info.name() + "' is corrupt and was not checked: " + info.problem());
                anomalies++;
                if (json)
                {
                    out.println(Json.object().field("type", "anomaly").field("kind", "CORRUPT_LIST")
                        .field("list", info.name()).field("detail", info.problem()));
                }
                continue;
            }
            for (final AuditedHistory history : audit.auditList(info))
            {
                final Incarnation incarnation = history.incarnation();
                if (!runs.includes(reader, incarnation))
                {
                    continue;
                }
                histories++;
                if (history.hasBug())
                {
                    withAnomalies++;
                }
                if (html != null && !history.anomalies().isEmpty())
                {
                    (history.hasBug() ? bugs : notes).add(history);
                }
                for (final Anomaly anomaly : history.anomalies())
                {
                    if (anomaly.information())
                    {
                        information++;
                    }
                    else
                    {
                        anomalies++;
                    }
                    if (json)
                    {
                        out.println(json(anomaly, info, Address.format(incarnation.address()),
                            Integer.toUnsignedLong(incarnation.generation())));
                        continue;
                    }
                    row(table, anomaly, info, Address.format(incarnation.address()),
                        Integer.toUnsignedString(incarnation.generation()));
                }
            }
            // Evicted pushes are known by push number only, not by who made them: not shown for one process or run.
            for (final EvictedHistory evicted : runs.isSet() ? List.<EvictedHistory>of() : audit.evicted(info))
            {
                final String address = evicted.stale().address() == 0 ? "push #" + evicted.stale().pushNumber() :
                    Address.format(evicted.stale().address());
                for (final Anomaly anomaly : evicted.anomalies())
                {
                    if (anomaly.information())
                    {
                        information++;
                    }
                    else
                    {
                        anomalies++;
                    }
                    if (json)
                    {
                        out.println(json(anomaly, info, evicted.stale().address() == 0 ? null : address,
                            evicted.generation()).field("push", evicted.stale().pushNumber()));
                        continue;
                    }
                    row(table, anomaly, info, address, String.valueOf(evicted.generation()));
                }
            }
        }
        if (html != null)
        {
            writeHtml(reader, audit, bugs, notes);
        }
        if (json)
        {
            out.println(Json.object().field("type", "summary").field("histories", histories)
                .field("withAnomalies", withAnomalies).field("anomalies", anomalies).field("information", information));
        }
        else
        {
            if (!table.isEmpty())
            {
                table.print(out, "", style, (column, cell, row) -> column != 0 ? cell :
                    cell.startsWith(AnomalyKind.STALE_HANDLE_EVENTS.name()) ? style.yellow(cell) : style.red(cell));
            }
            out.println((anomalies == 0 ? style.green("no anomalies") : style.red(anomalies + " anomalies")) +
                " in " + histories + " histories checked (" + withAnomalies + " with anomalies) in " + reader.name() +
                (information == 0 ? "" : "; " + information + (information == 1 ? " note" : " notes") +
                    " about the window (not bugs)"));
        }
        out.flush();
        return anomalies == 0 ? ExitCode.OK : ExitCode.FOUND;
    }

    /** The page of every history with an anomaly, bugs first; evicted pushes have no incarnation to draw. */
    private void writeHtml(final HistoryReader reader, final HistoryAudit audit, final List<AuditedHistory> bugs,
        final List<AuditedHistory> notes)
    {
        final HtmlReport report = new HtmlReport(reader, audit, "shdump check " + reader.name());
        bugs.forEach(report::add);
        notes.forEach(report::add);
        report.writeTo(html, root.path());
        err().println("shdump: wrote " + report.drawn() + (report.drawn() == 1 ? " history" : " histories") +
            " with anomalies to " + html);
    }

    private static void row(final Table table, final Anomaly anomaly, final ListInfo info, final String address,
        final String generation)
    {
        final Event e = anomaly.event();
        final boolean valid = e != null && e.status() == EventStatus.VALID;
        table.row(anomaly.kind().name(), info.name(), address, generation,
            e == null ? "" : String.valueOf(e.position()),
            !valid || e.wallNanos() == 0 ? "" : Times.timeOfDay(e.wallNanos()),
            e == null ? "" : String.valueOf(e.pid()),
            valid ? e.threadName() : "",
            valid ? e.verb() : "",
            anomaly.kind().description() + ": " + anomaly.detail() +
                (!valid || e.message().isEmpty() ? "" : " [" + e.message() + "]") +
                (anomaly.cause() == null ? "" : "; cause: " + anomaly.cause()));
    }

    private static Json json(final Anomaly anomaly, final ListInfo info, final String address, final long generation)
    {
        final Json json = Json.object()
            .field("type", "anomaly")
            .field("kind", anomaly.kind().name())
            .field("list", info.name())
            .field("address", address)
            .field("generation", generation)
            .field("detail", anomaly.detail());
        final Event e = anomaly.event();
        if (e != null)
        {
            json.field("position", e.position())
                .field("pid", e.pid());
            // A record that is not a valid event has no verb, message or time worth showing.
            if (e.status() == EventStatus.VALID)
            {
                json.field("verb", e.verb())
                    .field("message", e.message())
                    .field("time", Times.iso(e.wallNanos()))
                    .field("thread", e.threadName());
            }
        }
        json.field("information", anomaly.information());
        if (anomaly.cause() != null)
        {
            json.field("cause", anomaly.cause());
            if (anomaly.causeEvent() != null)
            {
                json.field("causePosition", anomaly.causeEvent().position());
            }
        }
        return json;
    }
}
