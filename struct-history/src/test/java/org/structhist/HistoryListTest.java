package org.structhist;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class HistoryListTest
{
    private static final long ADDRESS = 0x7f95acf6ea60L;

    @TempDir
    Path dir;

    private Path path;
    private HistoryFile file;

    @BeforeEach
    void open()
    {
        path = dir.resolve("list.hist");
        file = TestFiles.open(path);
    }

    @AfterEach
    void close()
    {
        file.close();
    }

    private HistoryReader reader()
    {
        return HistoryReader.open(path);
    }

    private Incarnation only(final HistoryReader reader, final long address)
    {
        final List<Incarnation> found = reader.incarnationsOf(address);
        assertEquals(1, found.size(), "incarnations of 0x" + Long.toHexString(address));
        return found.get(0);
    }

    @Test
    void recordsEveryFieldOfAnEvent()
    {
        final HistoryList tcp = file.list("TCP con", ListOptions.window(16));
        final long before = System.currentTimeMillis();
        final History sh = tcp.push(ADDRESS);
        sh.log(TcpVerb.TCP_REF, "connect, (%d)", 1);
        sh.log(TcpVerb.TCP_UNREF, "send %d, (%d)", 6, 1);
        sh.log(TcpVerb.TCP_SEND2CHILD, "read");
        sh.log(TcpVerb.TCP_DESTROY, "type=%d a=%x b=%d", 2, 255, -3);

        final HistoryReader reader = reader();
        final Incarnation incarnation = only(reader, ADDRESS);
        assertEquals("TCP con", incarnation.list().name());
        assertEquals(sh.handle(), incarnation.handle());
        assertEquals(ProcessHandle.current().pid(), incarnation.creatorPid());
        assertTrue(incarnation.headerValid());
        assertFalse(incarnation.unref());
        assertEquals(4, incarnation.eventCount());

        final List<Event> events = reader.events(incarnation);
        assertEquals(List.of("connect, (1)", "send 6, (1)", "read", "type=2 a=ff b=-3"),
            events.stream().map(Event::message).toList());
        assertEquals(List.of("TCP_REF", "TCP_UNREF", "TCP_SEND2CHILD", "TCP_DESTROY"),
            events.stream().map(Event::verb).toList());
        assertEquals(List.of(Effect.REF, Effect.UNREF, Effect.NONE, Effect.DESTROY),
            events.stream().map(Event::effect).toList());
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            assertEquals(i, e.position());
            assertEquals(EventStatus.VALID, e.status());
            assertEquals(ProcessHandle.current().pid(), e.pid());
            assertEquals(Thread.currentThread().getName(), e.threadName());
            assertFalse(e.coarseClock());
            final long wallMillis = TimeUnit.NANOSECONDS.toMillis(e.wallNanos());
            assertTrue(wallMillis >= before - 1000 && wallMillis <= System.currentTimeMillis() + 1000,
                "wall time from the writer's clock base: " + wallMillis);
            if (i > 0)
            {
                assertTrue(e.timestampNanos() >= events.get(i - 1).timestampNanos());
            }
        }
        assertArrayEquals(new long[] {2, 255, -3}, events.get(3).args());
    }

    @Test
    void keepsTheFirstAndTheNewestEventsAndCountsThoseDroppedBetween()
    {
        final HistoryList list = file.list("ring", ListOptions.window(4).eventsPerObject(8).pinnedFirst(3));
        final History sh = list.push(ADDRESS);
        for (int i = 0; i < 100; i++)
        {
            sh.log(TcpVerb.TCP_SEND2CHILD, "event %d", i);
        }
        final HistoryReader reader = reader();
        final Incarnation incarnation = only(reader, ADDRESS);
        assertEquals(100, incarnation.eventCount());
        assertEquals(92, incarnation.droppedEvents());
        final List<Event> events = reader.events(incarnation);
        assertEquals(List.of(0, 1, 2, 95, 96, 97, 98, 99), events.stream().map(Event::position).toList());
        assertEquals(List.of("event 0", "event 1", "event 2", "event 95", "event 96", "event 97",
            "event 98", "event 99"),
            events.stream().map(Event::message).toList());
    }

    @Test
    void aWindowKeepsOnlyTheLatestObjects()
    {
        final HistoryList list = file.list("window", ListOptions.window(3).eventsPerObject(4));
        for (long a = 1; a <= 10; a++)
        {
            list.push(a).log(TcpVerb.TCP_REF, "born %d", a);
        }
        final HistoryReader reader = reader();
        final ListInfo info = reader.list("window").orElseThrow();
        assertEquals(10, info.totalPushed());
        assertEquals(3, info.occupancy());
        assertEquals(7, info.pushedOut());
        final List<Incarnation> kept = reader.incarnations(info);
        assertEquals(List.of(8L, 9L, 10L), kept.stream().map(Incarnation::address).toList());
        assertEquals(List.of(7L, 8L, 9L), kept.stream().map(Incarnation::pushNumber).toList());
        assertEquals("born 10", reader.events(kept.get(2)).get(0).message());
        assertEquals(1, reader.events(kept.get(2)).size(), "no event of an earlier occupant shows");
    }

    @Test
    void aStaleHandleNeverWritesIntoTheNextOccupantAndIsCounted()
    {
        final HistoryList list = file.list("stale", ListOptions.window(2).eventsPerObject(16));
        final History old = list.push(0xA);
        old.log(TcpVerb.TCP_REF, "old %d", 1);
        list.push(0xB);
        final History occupant = list.push(0xC); // takes old's slot
        occupant.log(TcpVerb.TCP_REF, "new %d", 1);
        for (int i = 0; i < 5; i++)
        {
            old.log(TcpVerb.TCP_UNREF, "stale %d", i);
        }
        old.unref();

        final HistoryReader reader = reader();
        assertTrue(reader.incarnationsOf(0xA).isEmpty(), "the old object left the window");
        final Incarnation current = only(reader, 0xC);
        assertEquals(List.of("new 1"), reader.events(current).stream().map(Event::message).toList());
        assertFalse(current.unref(), "a stale unref must not mark the new occupant");
        assertEquals(5, current.staleEventsDropped());
        assertEquals(5, reader.list("stale").orElseThrow().staleEventsDropped());
    }

    @Test
    void unrefMarksTheIncarnationAndLaterEventsStillCount()
    {
        final HistoryList list = file.list("unref", ListOptions.window(4));
        final History sh = list.push(ADDRESS);
        sh.log(TcpVerb.TCP_REF, "ref");
        sh.unref();
        sh.unref();
        sh.log(TcpVerb.TCP_UNREF, "late");
        final HistoryReader reader = reader();
        final Incarnation incarnation = only(reader, ADDRESS);
        assertTrue(incarnation.unref());
        assertTrue(incarnation.unrefTimeNanos() != 0);
        assertEquals(2, incarnation.eventCount());
    }

    @Test
    void textArgumentsAreCopiedAsUtf8AndCutToFit()
    {
        final HistoryList small = file.list("text64", ListOptions.window(4));
        final HistoryList large = file.list("text256", ListOptions.window(4).entrySize(256));
        final History a = small.push(1);
        a.log(TcpVerb.TCP_SEND2CHILD, "to %s", "worker-7");
        a.log(TcpVerb.TCP_SEND2CHILD, "%s", "héllo wörld ✓ 𝄞");
        a.log(TcpVerb.TCP_SEND2CHILD, "%s", "x".repeat(100));
        a.log(TcpVerb.TCP_SEND2CHILD, "%s", "a\0b");
        a.log(TcpVerb.TCP_SEND2CHILD, "%s", "€".repeat(9)); // 27 bytes: 8 fit whole, the 9th must not be split
        final History b = large.push(2);
        b.log(TcpVerb.TCP_SEND2CHILD, "%s", "y".repeat(300));

        final HistoryReader reader = reader();
        final List<Event> events = reader.events(only(reader, 1));
        assertEquals("to worker-7", events.get(0).message());
        assertEquals("héllo wörld ✓ 𝄞", events.get(1).text());
        assertFalse(events.get(1).textTruncated());
        assertEquals("x".repeat(24), events.get(2).text());
        assertTrue(events.get(2).textTruncated());
        assertEquals("a\u2400b", events.get(3).text(), "a NUL would end the text: it is shown as ␀");
        assertEquals("€".repeat(8), events.get(4).text());
        final Event big = reader.events(only(reader, 2)).get(0);
        assertEquals("y".repeat(216), big.text());
        assertTrue(big.textTruncated());
    }

    @Test
    void coarseClockEventsAreFlaggedAndClose()
    {
        final HistoryList list = file.list("coarse", ListOptions.window(4).clock(ClockMode.COARSE));
        final long before = System.nanoTime();
        list.push(ADDRESS).log(TcpVerb.TCP_REF, "tick");
        final HistoryReader reader = reader();
        final Event e = reader.events(only(reader, ADDRESS)).get(0);
        assertTrue(e.coarseClock());
        assertTrue(reader.list("coarse").orElseThrow().coarseClock());
        assertTrue(Math.abs(e.timestampNanos() - before) < TimeUnit.SECONDS.toNanos(2),
            "the coarse clock is brought up to date when the list opens: " + (e.timestampNanos() - before));
    }

    @Test
    void eventsWithoutChecksumsAreStillRead()
    {
        final HistoryList list = file.list("nosum", ListOptions.window(4).checksums(false));
        list.push(ADDRESS).log(TcpVerb.TCP_REF, "r %d", 5);
        final HistoryReader reader = reader();
        final Event e = reader.events(only(reader, ADDRESS)).get(0);
        assertEquals(EventStatus.VALID, e.status());
        assertEquals("r 5", e.message());
        assertFalse(reader.list("nosum").orElseThrow().checksums());
    }

    @Test
    void capturesStacksWhenAsked()
    {
        final HistoryList list = file.list("stacks", ListOptions.window(4).stacks(true));
        list.push(ADDRESS).log(TcpVerb.TCP_REF, "with stack");
        final HistoryReader reader = reader();
        final Event e = reader.events(only(reader, ADDRESS)).get(0);
        assertNotNull(e.stack());
        assertTrue(e.stack().contains("capturesStacksWhenAsked"), e.stack());
        assertFalse(e.stack().contains("HistoryList.log"), "structhist's own frames are left out");
    }

    @Test
    void handlesAreUsableAcrossListObjectsAndRefusedByOtherLists()
    {
        final HistoryList a = file.list("a", ListOptions.window(4));
        final HistoryList b = file.list("b", ListOptions.window(4));
        final long handle = a.pushHandle(ADDRESS);
        a.history(handle).log(TcpVerb.TCP_REF, "via history(handle)");
        a.log(handle, TcpVerb.TCP_REF, "via list.log %d %d %d", 1, 2, 3);
        a.log(handle, TcpVerb.TCP_REF, "via text %s", (CharSequence)"t");
        assertThrows(IllegalArgumentException.class, () -> b.history(handle));
        b.log(handle, TcpVerb.TCP_REF, "ignored: not b's handle");

        final HistoryReader reader = reader();
        assertEquals(List.of("via history(handle)", "via list.log 1 2 3", "via text t"),
            reader.events(only(reader, ADDRESS)).stream().map(Event::message).toList());
        assertEquals(0, reader.list("b").orElseThrow().staleEventsDropped());
    }

    @Test
    void internsFormatsAndVerbsOnce()
    {
        final HistoryList list = file.list("intern", ListOptions.window(4));
        final History sh = list.push(ADDRESS);
        final String dynamic = new String("same %d"); // equal, not identical
        sh.log(TcpVerb.TCP_REF, "same %d", 1);
        sh.log(TcpVerb.TCP_REF, dynamic, 2);
        final org.structhist.internal.StringInterner strings =
            new org.structhist.internal.StringInterner(file.mapped().buffer, file.mapped().layout);
        final int id = strings.intern("same %d");
        assertEquals(id, strings.intern(dynamic));
        assertNotEquals(id, strings.intern("other %d"));
        assertEquals("same %d", reader().string(id));
    }

    @Test
    void aVerbNameWithAnotherEffectIsAnotherVerb()
    {
        final Verb plain = () -> "TCP_REF";
        final HistoryList list = file.list("verbs", ListOptions.window(4));
        final History sh = list.push(ADDRESS);
        sh.log(TcpVerb.TCP_REF, "ref");
        sh.log(plain, "note");
        final HistoryReader reader = reader();
        final List<Event> events = reader.events(only(reader, ADDRESS));
        assertEquals(Effect.REF, events.get(0).effect());
        assertEquals(Effect.NONE, events.get(1).effect());
        assertEquals("TCP_REF", events.get(1).verb());
    }

    @Test
    void aFullStringTableKeepsTheFormatsTextInTheRecord()
    {
        final Path tiny = dir.resolve("tiny-strings.hist");
        final HistoryFile small = HistoryFile.open(tiny,
            FileOptions.defaults().sizeBytes(1L << 20).stringDataBytes(4096));
        try
        {
            final HistoryList list = small.list("l", ListOptions.window(4).eventsPerObject(512));
            final History sh = list.push(ADDRESS);
            for (int i = 0; i < 400; i++)
            {
                sh.log(TcpVerb.TCP_REF, "format number " + i + " %d", i);
            }
            final HistoryReader reader = HistoryReader.open(tiny);
            assertTrue(reader.stringsNotInterned() > 0);
            final List<Event> events = reader.events(reader.incarnationsOf(ADDRESS).get(0));
            assertEquals(400, events.size());
            assertEquals("format number 0 0", events.get(0).message());
            // The format's text and its arguments, cut to the 24 bytes of a 64-byte entry's payload.
            assertEquals("format number 399 %d [", events.get(399).message(), "never a blank message");
            assertTrue(events.get(399).textTruncated(), "and marked cut");
        }
        finally
        {
            small.close();
        }
    }

    @Test
    void flushWritesTheHistoriesAsText()
    {
        final HistoryList list = file.list("flush", ListOptions.window(4).eventsPerObject(4).pinnedFirst(1));
        final History sh = list.push(ADDRESS);
        for (int i = 0; i < 6; i++)
        {
            sh.log(TcpVerb.TCP_REF, "n=%d", i);
        }
        sh.unref();
        final StringBuilder one = new StringBuilder();
        sh.flush(one);
        assertTrue(one.toString().startsWith("list 'flush' object 0x7f95acf6ea60 gen 1 push #0 pid "), one.toString());
        assertTrue(one.toString().contains("[unref] events 6"), one.toString());
        assertTrue(one.toString().contains("... 2 events dropped ..."), one.toString());
        assertTrue(one.toString().contains("TCP_REF n=5"), one.toString());

        list.push(0xBEEF).log(TcpVerb.TCP_DESTROY, 0, "gone");
        final StringBuilder all = new StringBuilder();
        list.flush(all);
        assertTrue(all.indexOf("0x7f95acf6ea60") < all.indexOf("0xbeef"), "oldest first: " + all);
        assertTrue(all.toString().contains("TCP_DESTROY count=0 gone"), "a logged count: " + all);
    }

    @Test
    void aNullVerbOrFormatIsRefusedAtTheCallWithAMessage()
    {
        final HistoryList list = file.list("nulls", ListOptions.window(4));
        final History sh = list.push(ADDRESS);
        final NullPointerException noVerb = assertThrows(NullPointerException.class, () -> sh.log(null, "x=%d", 7));
        assertEquals("log needs a verb, not null (list 'nulls')", noVerb.getMessage());
        final NullPointerException noFormat =
            assertThrows(NullPointerException.class, () -> sh.log(TcpVerb.TCP_REF, null, 7));
        assertEquals("log needs a format, not null (list 'nulls')", noFormat.getMessage());
        assertThrows(NullPointerException.class, () -> sh.log(TcpVerb.TCP_REF, null, "text"));
        assertThrows(NullPointerException.class, () -> list.log(sh.handle(), null, "no args"));
        sh.log(TcpVerb.TCP_REF, "%s", (CharSequence)null);
        final HistoryReader reader = reader();
        final List<Event> events = reader.events(only(reader, ADDRESS));
        assertEquals(1, events.size(), "a refused call writes nothing");
        assertEquals("null", events.get(0).message());
    }
}
