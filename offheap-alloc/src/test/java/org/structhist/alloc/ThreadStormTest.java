package org.structhist.alloc;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.io.ProcessIdentity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Four threads allocate and free at random on one heap, each payload stamped with its owner and checked
 * before its free: no chunk is handed out twice (the shared set of held addresses and the stamps both
 * say so), and the heap's own summary agrees with what the threads still hold.
 */
class ThreadStormTest
{
    private static final int THREADS = 4;
    private static final int STEPS = 50_000;
    private static final int MAX_LIVE = 64;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "poison and quarantine", "shm history"})
    void noChunkIsHandedOutTwiceAndTheSummaryMatchesWhatIsHeld(final String variant) throws Exception
    {
        HeapOptions options = HeapOptions.capacity(64L << 20).history(null);
        if (variant.equals("poison and quarantine"))
        {
            options = options.poison(true).quarantineBytes(32 * 1024).quarantineSlots(64);
        }
        else if (variant.equals("shm history"))
        {
            options = options.history(TestHeaps.historyFile(dir.resolve("storm.hist")).list("shm"));
        }
        final SharedHeap heap = SharedHeap.open(dir.resolve("storm.heap"), options);
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        final List<Storm> storms = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            storms.add(new Storm(heap, ProcessIdentity.PID, t, 42 + t, MAX_LIVE, held));
        }
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (final Storm storm : storms)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < STEPS && failure.get() == null; i++)
                    {
                        storm.step();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (failure.get() != null)
        {
            throw new AssertionError("a storm thread failed", failure.get());
        }

        long liveChunks = 0;
        long liveBytes = 0;
        for (final Storm storm : storms)
        {
            assertTrue(storm.allocations() > STEPS / 3, "the storm allocated: " + storm.allocations());
            storm.checkAll();
            liveChunks += storm.live();
            liveBytes += storm.liveRequestedBytes();
        }
        assertEquals(liveChunks, held.size());
        final HeapSummary summary = heap.summary();
        assertEquals(liveChunks, summary.allocatedChunks(), "the heap's count of allocated chunks: " + summary);
        assertEquals(liveBytes, summary.classes().stream().mapToLong(ClassSummary::requestedBytes).sum());
        assertEquals(0, summary.corruptPages());
        assertEquals(List.of(), heap.leaks(), "this process is alive: nothing it holds is a leak");
        for (final Storm storm : storms)
        {
            for (int i = 0; i < storm.live(); i++)
            {
                heap.checkLive(storm.liveAddress(i));
            }
        }
        for (final Storm storm : storms)
        {
            storm.freeAll();
        }
        final HeapSummary after = heap.summary();
        assertEquals(0, after.allocatedChunks());
        for (final ClassSummary c : after.classes())
        {
            assertEquals(0, c.unused(), "every carved chunk was published");
            assertEquals(c.free(), heap.reader().freeListLength(c.sizeClass(), 10_000_000),
                "class " + c.sizeClass() + ": each free chunk is on its list exactly once");
            if (variant.equals("poison and quarantine"))
            {
                assertTrue(c.quarantined() <= 64);
            }
            else
            {
                assertEquals(0, c.quarantined());
            }
        }
        assertTrue(after.quarantinedBytes() <= 32 * 1024);
        // Every payload that is free now was poisoned: spot-check the first word of each free chunk.
        if (variant.equals("poison and quarantine"))
        {
            heap.reader().forEachChunk(chunk ->
            {
                if (!chunk.isAllocated() && chunk.generation() != 0)
                {
                    assertEquals(0xDEDE_DEDE_DEDE_DEDEL, heap.getLong(chunk.address()), "freed 0x" +
                        Long.toHexString(chunk.address()) + " state " + chunk.stateName());
                }
            });
        }
        assertTrue(heap.summary().usedBytes() < heap.capacity() - ChunkHeaderDescriptor.LENGTH);
    }
}
