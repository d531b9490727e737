package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Dynamic format strings: a full string table must never cost an event its message. */
class InterningTest
{
    @TempDir
    Path dir;

    @Test
    void formatsPastAFullStringTableGoIntoTheRecordWithTheirArguments()
    {
        final Path path = dir.resolve("full.hist");
        final int distinct = 3000; // ~32 bytes each: far more than 4 KiB of string data holds
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20)
            .stringDataBytes(4096).stringIndexCapacity(1024)))
        {
            final HistoryList list =
                file.list("sessions", ListOptions.window(distinct).eventsPerObject(4).entrySize(64));
            for (int i = 0; i < distinct; i++)
            {
                final History sh = list.push(i + 1);
                sh.log(TcpVerb.TCP_REF, "session " + i + " opened by %d", i * 7L);
                sh.log(TcpVerb.TCP_UNREF, "session " + i + " closed", "a text argument");
            }
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            assertTrue(reader.stringsNotInterned() > distinct, "the table filled: " + reader.stringsNotInterned());
            assertEquals("session 0 opened by 0", reader.events(reader.incarnationsOf(1).get(0)).get(0).message());
            for (int i = 0; i < distinct; i++)
            {
                final List<Event> events = reader.events(reader.incarnationsOf(i + 1).get(0));
                assertEquals(2, events.size());
                for (final Event event : events)
                {
                    assertTrue(event.message().startsWith("session " + i + " "), i + ": " + event.message());
                }
            }
            // Not interned: the format's text and its argument, as much as 24 bytes of payload hold, cut.
            final List<Event> last = reader.events(reader.incarnationsOf(distinct).get(0));
            final Event opened = last.get(0);
            assertEquals("session 2999 opened by %d [20993]".substring(0, 24), opened.message());
            assertTrue(opened.textTruncated(), "a cut message is marked cut");
            assertEquals("session 2999 closed [a t", last.get(1).message());
            assertTrue(last.get(1).textTruncated());
        }
    }

    @Test
    void aMessageThatFitsIsWholeAndNotMarkedCut()
    {
        final Path path = dir.resolve("fits.hist");
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20)
            .stringDataBytes(4096).stringIndexCapacity(16)))
        {
            final HistoryList list = file.list("wide", ListOptions.window(64).eventsPerObject(4).entrySize(256));
            for (int i = 0; i < 40; i++)
            {
                list.push(i + 1).log(TcpVerb.TCP_REF, "n" + i + " a=%d b=%d c=%d", -1, 0, Long.MAX_VALUE);
            }
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            final Event event = reader.events(reader.incarnationsOf(40).get(0)).get(0);
            assertEquals("n39 a=%d b=%d c=%d [-1, 0, 9223372036854775807]", event.message());
            assertFalse(event.textTruncated());
            assertTrue(reader.stringsNotInterned() > 0);
        }
    }

    @Test
    void anEventWithACountKeepsItsCountPastAFullStringTable()
    {
        final Path path = dir.resolve("counts.hist");
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20)
            .stringDataBytes(4096).stringIndexCapacity(16)))
        {
            final HistoryList list = file.list("counted", ListOptions.window(64).eventsPerObject(4));
            for (int i = 0; i < 40; i++)
            {
                list.push(i + 1).log(TcpVerb.TCP_REF, 7, "ref " + i + " by %d", i);
            }
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            assertTrue(reader.stringsNotInterned() > 0);
            final Event event = reader.events(reader.incarnationsOf(40).get(0)).get(0);
            assertEquals(7, event.count(), "the audit judges by counts: a full table must not lose one");
            assertEquals("[39]", event.message());
        }
    }
}
