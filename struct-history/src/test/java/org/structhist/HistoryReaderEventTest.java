package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.format.EventDescriptor;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link HistoryReader#event}: one position read on its own, as a reader following a live file does,
 * with the same guarantees as reading a whole history: only kept positions, only this incarnation's,
 * seqlock and checksum.
 */
class HistoryReaderEventTest
{
    private static final long ADDRESS = 0xABCD;

    @TempDir
    Path dir;

    private static Incarnation only(final HistoryReader reader)
    {
        final List<Incarnation> found = reader.incarnationsOf(ADDRESS);
        assertEquals(1, found.size());
        return found.get(0);
    }

    private static void logSome(final History sh, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            sh.log(TcpVerb.TCP_REF, "event %d", i);
        }
    }

    private static void patch(final Path path, final long offset, final long value) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.seek(offset);
            for (int i = 0; i < 8; i++)
            {
                raf.write((int)(value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private static int recordOffset(final Incarnation incarnation, final int position)
    {
        final ListInfo list = incarnation.list();
        return list.regionOffset() + incarnation.slot() * list.slotLength() + ObjectSlotDescriptor.HEADER_LENGTH +
            ObjectSlotDescriptor.recordIndex(position, list.pinnedFirst(), list.eventsPerObject()) * list.entrySize();
    }

    @Test
    void readsEachKeptPositionAsTheWholeHistoryDoes()
    {
        final Path path = dir.resolve("kept.hist");
        try (HistoryFile file = TestFiles.open(path, 1L << 20))
        {
            final History sh = file.list("l", ListOptions.window(4).eventsPerObject(8).pinnedFirst(2)).push(ADDRESS);
            logSome(sh, 0, 20); // positions 2..13 are dropped: 0, 1 pinned, 14..19 in the ring
            final HistoryReader reader = HistoryReader.open(path);
            final Incarnation incarnation = only(reader);
            final List<Event> whole = reader.events(incarnation);
            assertEquals(List.of(0, 1, 14, 15, 16, 17, 18, 19), whole.stream().map(Event::position).toList());
            for (final Event expected : whole)
            {
                final Event single = reader.event(incarnation, expected.position()).orElseThrow();
                assertEquals(EventStatus.VALID, single.status());
                assertEquals(expected.position(), single.position());
                assertEquals(expected.message(), single.message());
                assertEquals(expected.timestampNanos(), single.timestampNanos());
                assertEquals(expected.threadName(), single.threadName());
            }
            for (final int dropped : IntStream.range(2, 14).toArray())
            {
                assertEquals(Optional.empty(), reader.event(incarnation, dropped), "dropped position " + dropped);
            }
            assertEquals(Optional.empty(), reader.event(incarnation, 20), "not claimed yet");
            assertEquals(Optional.empty(), reader.event(incarnation, Integer.MAX_VALUE), "far beyond the count");
            assertThrows(IllegalArgumentException.class, () -> reader.event(incarnation, -1));
        }
    }

    @Test
    void findsPositionsClaimedAfterTheIncarnationWasRead()
    {
        final Path path = dir.resolve("live.hist");
        try (HistoryFile file = TestFiles.open(path, 1L << 20))
        {
            final History sh = file.list("l", ListOptions.window(4).eventsPerObject(64)).push(ADDRESS);
            logSome(sh, 0, 3);
            final HistoryReader reader = HistoryReader.open(path);
            final Incarnation readEarly = only(reader);
            assertEquals(3, readEarly.eventCount());
            logSome(sh, 3, 5);
            // The count is read afresh from the slot, not taken from the (older) incarnation.
            assertEquals("event 4", reader.event(readEarly, 4).orElseThrow().message());
        }
    }

    @Test
    void neverShowsAnEventOfTheSlotsNextOccupant()
    {
        final Path path = dir.resolve("reused.hist");
        try (HistoryFile file = TestFiles.open(path, 1L << 20))
        {
            final HistoryList list = file.list("l", ListOptions.window(1).eventsPerObject(8));
            final History first = list.push(ADDRESS);
            logSome(first, 0, 2);
            final HistoryReader reader = HistoryReader.open(path);
            final Incarnation old = only(reader);
            final History second = list.push(ADDRESS + 1);
            logSome(second, 0, 4);
            for (int p = 0; p < 4; p++)
            {
                assertEquals(Optional.empty(), reader.event(old, p), "position " + p + " belongs to the next occupant");
            }
        }
    }

    @Test
    void reportsUncommittedAndCorruptedRecordsWithTheirStatus() throws Exception
    {
        final Path path = dir.resolve("bad.hist");
        try (HistoryFile file = TestFiles.open(path, 1L << 20))
        {
            final History sh = file.list("l", ListOptions.window(4).eventsPerObject(8)).push(ADDRESS);
            logSome(sh, 0, 3);
        }
        final Incarnation incarnation = only(HistoryReader.open(path));
        // A writer that claimed position 1 and has not committed it (or died): its stamp is still 0.
        patch(path, recordOffset(incarnation, 1) + EventDescriptor.STAMP_OFFSET, 0);
        // A stray write into the payload of a committed record.
        patch(path, recordOffset(incarnation, 2) + EventDescriptor.PAYLOAD_OFFSET, 999);
        final HistoryReader reader = HistoryReader.open(path);
        assertEquals(EventStatus.VALID, reader.event(incarnation, 0).orElseThrow().status());
        final Event inFlight = reader.event(incarnation, 1).orElseThrow();
        assertEquals(EventStatus.IN_FLIGHT, inFlight.status());
        assertEquals(ProcessHandle.current().pid(), inFlight.pid(), "the pid field names the writer");
        assertEquals(EventStatus.CHECKSUM_MISMATCH, reader.event(incarnation, 2).orElseThrow().status());
    }

    @Test
    void findsThreadsThatRegisteredAfterTheFirstLookup() throws Exception
    {
        final Path path = dir.resolve("threads.hist");
        try (HistoryFile file = TestFiles.open(path, 1L << 20))
        {
            final History sh = file.list("l", ListOptions.window(4).eventsPerObject(8)).push(ADDRESS);
            logSome(sh, 0, 1);
            final HistoryReader reader = HistoryReader.open(path);
            final Incarnation incarnation = only(reader);
            assertEquals(Thread.currentThread().getName(), reader.event(incarnation, 0).orElseThrow().threadName());
            final Thread late = new Thread(() -> sh.log(TcpVerb.TCP_UNREF, "from a new thread"), "late-thread");
            late.start();
            late.join();
            reader.refresh();
            final Event fromLate = reader.event(incarnation, 1).orElseThrow();
            assertEquals("late-thread", fromLate.threadName());
            assertTrue(reader.isWriterAlive(fromLate.pid()));
        }
    }
}
