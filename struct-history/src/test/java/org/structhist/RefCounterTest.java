package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.*;

/** {@link RefCounter}: refcount_t's rules, and every event carrying the count its own CAS produced. */
class RefCounterTest
{
    @TempDir
    Path dir;

    @Test
    void refsAndUnrefsLogTheCountsTheyProducedAndTheLastUnrefDestroys()
    {
        final Path path = dir.resolve("rules.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final RefCounter refs = new RefCounter(file.list("objects"), 0xA, "accept");
            assertEquals(1, refs.count());
            assertEquals(2, refs.ref("send2child"));
            assertFalse(refs.unref("child done"));
            assertTrue(refs.unref("close"), "the unref that reaches 0");
            assertEquals(0, refs.count());
        }
        final List<Event> events = eventsOf(path, 0xA);
        assertEquals(List.of("REF 1 accept", "REF 2 send2child", "UNREF 1 child done", "UNREF 0 close",
            "DESTROY 0 close"), events.stream().map(e -> e.verb() + " " + e.count() + " " + e.message()).toList());
        assertTrue(HistoryReader.open(path).incarnationsOf(0xA).get(0).unref(), "the history is released");
    }

    @Test
    void aRefFromZeroIsRefusedSaturatedLoggedAndThrown()
    {
        final Path path = dir.resolve("resurrect.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final RefCounter refs = new RefCounter(file.list("objects"), 0xB, "accept");
            assertTrue(refs.unref("close"));
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> refs.ref("late"));
            assertTrue(refused.getMessage().startsWith("ref from 0 (the object is being destroyed) refused"),
                refused.getMessage());
            assertEquals(RefCounter.SATURATED, refs.count(), "parked");
            assertThrows(IllegalStateException.class, () -> refs.unref("after saturation"), "stays refused");
            assertEquals(RefCounter.SATURATED, refs.count());
        }
        final List<Event> events = eventsOf(path, 0xB);
        assertEquals(List.of("REF 1", "UNREF 0", "DESTROY 0", "REFCOUNT_REFUSED 0", "REFCOUNT_REFUSED " +
            RefCounter.SATURATED), events.stream().map(e -> e.verb() + " " + e.count()).toList());
    }

    @Test
    void anUnrefBelowZeroIsRefusedSaturatedLoggedAndThrown()
    {
        final Path path = dir.resolve("extra-unref.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final RefCounter refs = new RefCounter(file.list("objects"), 0xC, "accept");
            assertTrue(refs.unref("close"));
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> refs.unref("one too many"));
            assertTrue(refused.getMessage().startsWith("unref below 0 refused (count was 0"), refused.getMessage());
            assertTrue(refused.getMessage().endsWith(": one too many"), refused.getMessage());
            assertEquals(RefCounter.SATURATED, refs.count());
        }
        assertEquals("REFCOUNT_REFUSED 0 one too many", eventsOf(path, 0xC).stream().skip(3)
            .map(e -> e.verb() + " " + e.count() + " " + e.message()).findFirst().orElseThrow());
    }

    @Test
    void withTheSwitchOffItStillCounts()
    {
        final RefCounter refs = new RefCounter(HistoryList.DISABLED, 0xD, "accept");
        assertEquals(2, refs.ref("a"));
        assertFalse(refs.unref("b"));
        assertTrue(refs.unref("c"));
        assertEquals(0, refs.handle());
    }

    @Test
    void fourThreadsRacingLogEveryCountTheirOperationsProduced() throws Exception
    {
        final Path path = dir.resolve("race.hist");
        final int threads = 4;
        final int rounds = 2_000;
        try (HistoryFile file = TestFiles.open(path, 32L << 20))
        {
            final HistoryList list = file.list("raced", ListOptions.window(4).eventsPerObject(4 * rounds * 2 + 8));
            final RefCounter refs = new RefCounter(list, 0xE, "accept");
            final CyclicBarrier start = new CyclicBarrier(threads);
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                    for (int i = 0; i < rounds; i++)
                    {
                        refs.ref("take");
                        refs.unref("drop");
                    }
                });
                workers[t].start();
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
            assertTrue(refs.unref("close"));
        }
        RefCounterHistories.assertConsistent(eventsOf(path, 0xE), threads * rounds);
    }

    static List<Event> eventsOf(final Path path, final long address)
    {
        final HistoryReader reader = HistoryReader.open(path);
        final List<Incarnation> found = reader.incarnationsOf(address);
        assertEquals(1, found.size(), "one incarnation of " + Long.toHexString(address));
        return reader.events(found.get(0));
    }
}
