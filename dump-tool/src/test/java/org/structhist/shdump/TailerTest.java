package org.structhist.shdump;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.format.EventDescriptor;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.follow.Tailer;
import org.structhist.shdump.output.Style;
import org.structhist.shdump.output.TailLines;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One poll after another, driven by the test against a writer in this process, with records made
 * uncommitted by hand: what tail prints when the ring overtakes it, when a record is still being
 * written, when its writer died, and when an object leaves the window under it.
 */
class TailerTest
{
    private static final long ADDRESS = 0xA11CE;

    @TempDir
    Path dir;

    private Path path;
    private final List<String> warnings = new ArrayList<>();

    private HistoryFile open(final String name)
    {
        path = dir.resolve(name);
        return HistoryFile.open(path, FileOptions.defaults().sizeBytes(2L << 20));
    }

    private Tailer tailer(final boolean fromStart, final long stallNanos)
    {
        return new Tailer(HistoryReader.open(path), null, null, fromStart, stallNanos, TailLines.text(Style.plain()),
            warnings::add);
    }

    private static List<String> poll(final Tailer tailer)
    {
        final StringWriter text = new StringWriter();
        tailer.poll(new PrintWriter(text, true));
        return text.toString().isEmpty() ? List.of() : List.of(text.toString().split("\n"));
    }

    private static void logSome(final History sh, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            sh.log(TestVerb.USE, "event %d", i);
        }
    }

    /** Messages of the event lines, and the markers as they are. */
    private static List<String> shown(final List<String> lines)
    {
        final List<String> shown = new ArrayList<>();
        for (final String line : lines)
        {
            final int message = line.indexOf("event ");
            shown.add(line.startsWith("...") || message < 0 ? line.substring(Math.max(0, line.indexOf('['))) :
                line.substring(message));
        }
        return shown;
    }

    private Incarnation incarnation()
    {
        return HistoryReader.open(path).incarnationsOf(ADDRESS).get(0);
    }

    private long recordOffset(final Incarnation incarnation, final int position)
    {
        final ListInfo list = incarnation.list();
        return list.regionOffset() + (long)incarnation.slot() * list.slotLength() + ObjectSlotDescriptor.HEADER_LENGTH +
            (long)ObjectSlotDescriptor.recordIndex(position, list.pinnedFirst(),
            list.eventsPerObject()) * list.entrySize();
    }

    private void patch(final long offset, final long value, final int bytes) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.seek(offset);
            for (int i = 0; i < bytes; i++)
            {
                raf.write((int)(value >>> (8 * i)) & 0xFF);
            }
        }
    }

    /** Makes position {@code p} look claimed and not committed yet, as a writer between claim and commit leaves it. */
    private void uncommit(final Incarnation incarnation, final int p) throws Exception
    {
        patch(recordOffset(incarnation, p) + EventDescriptor.STAMP_OFFSET, 0, 8);
    }

    private void commit(final Incarnation incarnation, final int p) throws Exception
    {
        patch(recordOffset(incarnation, p) + EventDescriptor.STAMP_OFFSET,
            EventDescriptor.stamp(incarnation.generation(), p), 8);
    }

    @Test
    void startsFromNowAndCountsWhatTheRingOverwroteBeforeAPollInOneMarker()
    {
        try (HistoryFile file = open("ring.hist"))
        {
            final History sh = file.list("l", ListOptions.window(4).eventsPerObject(8).pinnedFirst(2)).push(ADDRESS);
            logSome(sh, 0, 3);
            final Tailer tailer = tailer(false, TimeUnit.SECONDS.toNanos(5));
            assertEquals(List.of(), poll(tailer), "events committed before tail started are not printed");
            logSome(sh, 3, 23); // the ring (6 records) now holds 17..22: 3..16 were never read
            assertEquals(List.of("... 14 events of 0xa11ce not seen (the ring overtook tail)",
                "event 17", "event 18", "event 19", "event 20", "event 21", "event 22"), shown(poll(tailer)));
            logSome(sh, 23, 24);
            assertEquals(List.of("event 23"), shown(poll(tailer)), "only what is new");
            assertEquals(List.of(), poll(tailer));
        }
    }

    @Test
    void fromStartPrintsWhatIsKeptAndSaysWhatTheRingHadDroppedBefore()
    {
        try (HistoryFile file = open("fromstart.hist"))
        {
            final History sh = file.list("l", ListOptions.window(4).eventsPerObject(8).pinnedFirst(2)).push(ADDRESS);
            logSome(sh, 0, 10); // kept: 0, 1 and 4..9
            final List<String> lines = poll(tailer(true, TimeUnit.SECONDS.toNanos(5)));
            assertEquals(List.of("event 0", "event 1",
                "... 2 events of 0xa11ce dropped before tail started (each object keeps its first 2 " +
                "and its newest events)",
                "event 4", "event 5", "event 6", "event 7", "event 8", "event 9"), shown(lines));
        }
    }

    @Test
    void waitsForARecordStillBeingWrittenAndHoldsTheObjectsLaterEventsBehindIt() throws Exception
    {
        try (HistoryFile file = open("inflight.hist"))
        {
            final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(16));
            final Tailer tailer = tailer(false, TimeUnit.HOURS.toNanos(1));
            assertEquals(List.of(), poll(tailer));
            final History sh = list.push(ADDRESS); // pushed after tail started: printed from its birth
            logSome(sh, 0, 3);
            final Incarnation incarnation = incarnation();
            uncommit(incarnation, 1);
            assertEquals(List.of("event 0"), shown(poll(tailer)));
            assertEquals(List.of(), poll(tailer), "its writer (this process) is alive: tail keeps waiting");
            assertEquals(List.of(), poll(tailer));
            commit(incarnation, 1);
            assertEquals(List.of("event 1", "event 2"), shown(poll(tailer)), "printed once committed, in order");
        }
    }

    @Test
    void saysOnceThatTheWriterDiedMidRecordAndGoesOn() throws Exception
    {
        final Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        final long deadPid = gone.pid();
        try (HistoryFile file = open("dead.hist"))
        {
            final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(16));
            final Tailer tailer = tailer(false, TimeUnit.HOURS.toNanos(1));
            poll(tailer);
            final History sh = list.push(ADDRESS);
            logSome(sh, 0, 3);
            final Incarnation incarnation = incarnation();
            uncommit(incarnation, 1);
            patch(recordOffset(incarnation, 1) + EventDescriptor.PID_OFFSET, deadPid, 4);
            assertEquals(List.of("event 0"), shown(poll(tailer)),
                "not given up at the poll that first sees it: its writer may be between claim and commit");
            final List<String> lines = poll(tailer);
            assertEquals(List.of("[writer " + deadPid + " died mid-record]", "event 2"), shown(lines));
            assertTrue(lines.get(0).contains("#1"), lines.get(0));
            assertEquals(List.of(), poll(tailer), "the marker is printed once");
        }
    }

    @Test
    void givesUpOnARecordThatStaysUncommittedTooLong() throws Exception
    {
        try (HistoryFile file = open("stalled.hist"))
        {
            final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(16));
            final Tailer tailer = tailer(false, 0);
            poll(tailer);
            final History sh = list.push(ADDRESS);
            logSome(sh, 0, 2);
            uncommit(incarnation(), 0);
            assertEquals(List.of(), poll(tailer));
            final List<String> lines = shown(poll(tailer));
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("[still not committed ") &&
                lines.get(0).endsWith(": no longer waited for]"),
                lines.get(0));
            assertEquals("event 1", lines.get(1));
        }
    }

    /** The "refs" of each JSON event line ("null" where tail cannot know it), "marker" for a marker. */
    private static List<String> refs(final List<String> lines)
    {
        final List<String> refs = new ArrayList<>();
        for (final String line : lines)
        {
            final int at = line.indexOf("\"refs\":");
            refs.add(!line.contains("\"type\":\"event\"") || line.contains("\"status\":\"") &&
                !line.contains("\"status\":\"VALID\"") ? "marker" :
                line.substring(at + 7, line.indexOf(',', at)));
        }
        return refs;
    }

    @Test
    void theRunningRefcountIsKnownFromTheBirthUntilAnEffectIsLost() throws Exception
    {
        try (HistoryFile file = open("refs.hist"))
        {
            final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(8).pinnedFirst(2));
            final Tailer tailer = new Tailer(HistoryReader.open(path), null, null, false, 0, TailLines.json(),
                warnings::add);
            assertEquals(List.of(), poll(tailer));
            final History sh = list.push(ADDRESS); // pushed after tail started: followed from its birth
            sh.log(TestVerb.REF, "event %d", 0);
            sh.log(TestVerb.REF, "event %d", 1);
            sh.log(TestVerb.UNREF, "event %d", 2);
            assertEquals(List.of("1", "2", "1"), refs(poll(tailer)));
            for (int i = 3; i < 13; i++)
            {
                sh.log(TestVerb.REF, "event %d", i); // the ring (6 records) now holds 7..12: 3..6 were never read
            }
            assertEquals(List.of("marker", "null", "null", "null", "null", "null", "null"), refs(poll(tailer)),
                "once the ring overtook tail, the effects of the events it missed are lost");

            final History other = list.push(ADDRESS + 1);
            other.log(TestVerb.REF, "event %d", 20);
            other.log(TestVerb.REF, "event %d", 21);
            other.log(TestVerb.REF, "event %d", 22);
            final Incarnation incarnation = HistoryReader.open(path).incarnationsOf(ADDRESS + 1).get(0);
            uncommit(incarnation, 1);
            assertEquals(List.of("1"), refs(poll(tailer)), "waits for #1 at the poll that first finds it claimed");
            assertEquals(List.of("marker", "null"), refs(poll(tailer)),
                "a record given up on (never committed) loses its effect too");
        }
    }

    @Test
    void saysWhenAnObjectLeftTheWindowBeforeItsEventsWereRead() throws Exception
    {
        try (HistoryFile file = open("left.hist"))
        {
            final HistoryList list = file.list("l", ListOptions.window(1).eventsPerObject(16));
            final Tailer tailer = tailer(false, TimeUnit.HOURS.toNanos(1));
            poll(tailer);
            final History first = list.push(ADDRESS);
            logSome(first, 0, 2);
            uncommit(incarnation(), 1);
            assertEquals(List.of("event 0"), shown(poll(tailer)));
            final History second = list.push(ADDRESS + 1); // takes the only slot
            second.log(TestVerb.REF, "event %d", 100);
            assertEquals(List.of("... at least 1 event of 0xa11ce not seen (it left the window before tail read them)",
                "event 100"), shown(poll(tailer)));
        }
    }
}
