package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Several threads logging at once, to one object and to many: nothing lost, order per thread kept. */
class MultiThreadedLoggingTest
{
    private static final int THREADS = 4;
    private static final int EVENTS_PER_THREAD = 20_000;

    @TempDir
    Path dir;

    @Test
    void threadsLoggingToTheSameObjectLoseNothing() throws Exception
    {
        final Path path = dir.resolve("same.hist");
        final HistoryFile file = TestFiles.open(path, 32L << 20);
        final HistoryList list = file.list("shared",
            ListOptions.window(2).eventsPerObject(THREADS * EVENTS_PER_THREAD).pinnedFirst(0));
        final History shared = list.push(0xC0FFEE);

        runConcurrently(thread -> () ->
        {
            for (int seq = 0; seq < EVENTS_PER_THREAD; seq++)
            {
                shared.log(TcpVerb.TCP_REF, "t%d s%d", thread, seq);
            }
        });

        final HistoryReader reader = HistoryReader.open(path);
        final Incarnation incarnation = reader.incarnationsOf(0xC0FFEE).get(0);
        assertEquals(THREADS * EVENTS_PER_THREAD, incarnation.eventCount());
        assertEquals(0, incarnation.droppedEvents());
        final List<Event> events = reader.events(incarnation);
        assertEquals(THREADS * EVENTS_PER_THREAD, events.size());
        final Map<Long, Long> nextSeq = new HashMap<>();
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            assertEquals(i, e.position(), "positions are dense: each claimed exactly once");
            assertEquals(EventStatus.VALID, e.status(), "position " + i);
            final long thread = e.args()[0];
            final long expected = nextSeq.getOrDefault(thread, 0L);
            assertEquals(expected, e.args()[1], "thread " + thread + " events keep their order, none missing");
            nextSeq.put(thread, expected + 1);
        }
        assertEquals(THREADS, nextSeq.size());
        nextSeq.values().forEach(n -> assertEquals(EVENTS_PER_THREAD, n));
        file.close();
    }

    @Test
    void threadsPushingAndLoggingTheirOwnObjectsLoseNothing() throws Exception
    {
        final Path path = dir.resolve("own.hist");
        final HistoryFile file = TestFiles.open(path, 32L << 20);
        final int objectsPerThread = 500;
        final int eventsPerObject = 10;
        final HistoryList list = file.list("own",
            ListOptions.window(THREADS * objectsPerThread).eventsPerObject(eventsPerObject));

        runConcurrently(thread -> () ->
        {
            for (int o = 0; o < objectsPerThread; o++)
            {
                final History sh = list.push(((long)thread << 32) | o);
                for (int e = 0; e < eventsPerObject; e++)
                {
                    sh.log(TcpVerb.TCP_SEND2CHILD, "obj %d ev %d", o, e);
                }
                sh.unref();
            }
        });

        final HistoryReader reader = HistoryReader.open(path);
        final List<Incarnation> all = reader.incarnations(reader.list("own").orElseThrow());
        assertEquals(THREADS * objectsPerThread, all.size());
        for (final Incarnation incarnation : all)
        {
            assertTrue(incarnation.headerValid());
            assertTrue(incarnation.unref());
            final List<Event> events = reader.events(incarnation);
            assertEquals(eventsPerObject, events.size());
            final long object = incarnation.address() & 0xFFFF_FFFFL;
            for (int e = 0; e < eventsPerObject; e++)
            {
                assertEquals(EventStatus.VALID, events.get(e).status());
                assertArrayEquals(new long[] {object, e}, events.get(e).args(),
                    "0x" + Long.toHexString(incarnation.address()) + " holds its own events only");
            }
        }
        file.close();
    }

    interface TaskFactory
    {
        Runnable task(int thread);
    }

    private static void runConcurrently(final TaskFactory factory) throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try
        {
            final CyclicBarrier start = new CyclicBarrier(THREADS);
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final Runnable task = factory.task(t);
                futures.add(pool.submit(() ->
                {
                    start.await();
                    task.run();
                    return null;
                }));
            }
            for (final Future<?> f : futures)
            {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
