package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Events carry the object's count after the operation as a field of their own (format version 2): what
 * was logged through a {@link History} and through a handle is read back, with its arguments intact and
 * apart from them, and an event logged without one has none.
 */
class CountFieldTest
{
    @TempDir
    Path dir;

    @Test
    void countsRoundTripThroughHistoryAndHandleWithZeroOneAndTwoArguments()
    {
        final Path path = dir.resolve("counts.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final HistoryList list = file.list("counted", ListOptions.window(4).eventsPerObject(16));
            final History sh = list.push(0xC0DE);
            sh.log(TcpVerb.TCP_REF, 1, "created");
            sh.log(TcpVerb.TCP_REF, 2, "ref by %d", 7);
            sh.log(TcpVerb.TCP_SEND2CHILD, 2, "send %d to %d", 6, 9);
            final long handle = sh.handle();
            list.log(handle, TcpVerb.TCP_UNREF, 1, "unref");
            list.log(handle, TcpVerb.TCP_REF, 2, "ref %d", -3);
            list.log(handle, TcpVerb.TCP_UNREF, -1, "a negative count %d %d", Long.MIN_VALUE, Long.MAX_VALUE);
            sh.log(TcpVerb.TCP_SEND2CHILD, "no count %d %d %d", 1, 2, 3);
            sh.log(TcpVerb.TCP_SEND2CHILD, "text %s", "no count either");
        }

        final HistoryReader reader = HistoryReader.open(path);
        final Incarnation incarnation = reader.incarnationsOf(0xC0DE).get(0);
        final List<Event> events = reader.events(incarnation);
        assertEquals(8, events.size());
        events.forEach(e -> assertEquals(EventStatus.VALID, e.status(), e.toString()));
        assertEquals(List.of(1, 2, 2, 1, 2, -1, Event.NO_COUNT, Event.NO_COUNT),
            events.stream().map(Event::count).toList(), "the counts, in position order");
        assertEquals(List.of(true, true, true, true, true, true, false, false),
            events.stream().map(Event::hasCount).toList());
        assertArrayEquals(new long[0], events.get(0).args());
        assertArrayEquals(new long[] {7}, events.get(1).args());
        assertArrayEquals(new long[] {6, 9}, events.get(2).args(), "two arguments and a count");
        assertArrayEquals(new long[] {-3}, events.get(4).args());
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, events.get(5).args());
        assertArrayEquals(new long[] {1, 2, 3}, events.get(6).args(), "three arguments without a count");
        assertEquals("send 6 to 9", events.get(2).message(), "the count is no message argument");
        assertEquals("text no count either", events.get(7).message());
    }

    @Test
    void aFileOfFormatVersionOneIsRefusedInOneSentenceNamingBothVersions() throws Exception
    {
        final Path path = dir.resolve("v1.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            file.list("any").push(1).log(TcpVerb.TCP_REF, 1, "created");
        }
        final byte[] bytes = Files.readAllBytes(path);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(FileHeaderDescriptor.FORMAT_VERSION_OFFSET, 1);
        final Path older = dir.resolve("older.hist");
        Files.write(older, bytes);

        final HistoryFormatException refused =
            assertThrows(HistoryFormatException.class, () -> HistoryReader.open(older));
        assertEquals(older + " is in structhist format version 1, older than version 2 that this version of " +
            "structhist reads", refused.getMessage());
    }
}
