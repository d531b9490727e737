package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.process.ChildProcess;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.WriterInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two child JVMs storm one heap file at once, two threads each, every payload stamped with its pid and
 * checked before its free (a chunk handed to both processes breaks a stamp: the child fails), with
 * poisoning, the quarantine and the automatic history all on. Both free all they hold and exit; the
 * heap is then empty, consistent, and reports no leak.
 */
class TwoProcessStormTest
{
    private static final long CAPACITY = 64L << 20;
    private static final long QUARANTINE_BYTES = 32 * 1024;
    private static final int THREADS = 2;
    private static final int STEPS = 30_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void twoProcessesShareTheHeapWithoutHandingAChunkOutTwice()
    {
        final Path heapPath = dir.resolve("two.heap");
        final Path historyPath = dir.resolve("two.hist");
        // The test JVM creates both files, as a supervisor would; the children attach with the same options.
        final HistoryFile history = TestHeaps.historyFile(historyPath);
        final SharedHeap heap = SharedHeap.open(heapPath, HeapOptions.capacity(CAPACITY).poison(true)
            .quarantineBytes(QUARANTINE_BYTES).history(history.list("shm")));
        final String options = HeapChild.optionsArg(CAPACITY, true, QUARANTINE_BYTES, historyPath);
        try (ChildProcess first = ChildProcess.start(HeapChild.class, "storm-1", "storm", heapPath, options, THREADS,
                 STEPS, 1);
             ChildProcess second = ChildProcess.start(HeapChild.class, "storm-2", "storm", heapPath, options, THREADS,
                 STEPS, 2))
        {
            first.awaitLine("READY");
            second.awaitLine("READY");
            first.send("go");
            second.send("go");
            final long firstAllocations = Long.parseLong(first.awaitLine("DONE ").substring(5));
            final long secondAllocations = Long.parseLong(second.awaitLine("DONE ").substring(5));
            first.awaitSuccess();
            second.awaitSuccess();
            assertTrue(firstAllocations > STEPS * THREADS / 3, first.describe());
            assertTrue(secondAllocations > STEPS * THREADS / 3, second.describe());

            final HeapSummary summary = heap.summary();
            assertEquals(0, summary.allocatedChunks(), "both freed all they held: " + summary);
            assertEquals(0, summary.corruptPages());
            assertTrue(summary.quarantinedBytes() <= QUARANTINE_BYTES, summary.toString());
            assertEquals(List.of(), heap.leaks());
            final HeapReader reader = HeapReader.open(heapPath);
            assertEquals(summary, reader.summary(), "a read-only reader sees the same heap");
            for (final ClassSummary c : summary.classes())
            {
                assertEquals(0, c.unused(), "class " + c.sizeClass() + ": no refill was left half-done");
                assertEquals(c.free(), reader.freeListLength(c.sizeClass(), 10_000_000),
                    "class " + c.sizeClass() + ": each free chunk on its list once, none lost, none twice");
            }
            // Each process frees only what it allocated: a chunk whose last free came from another process
            // than its last allocation was held by both at once (one's header write over the other's).
            final long[] crossed = new long[1];
            reader.forEachChunk(chunk ->
            {
                if (chunk.generation() > 0 && chunk.freedByPid() != chunk.ownerPid())
                {
                    crossed[0]++;
                }
            });
            assertEquals(0, crossed[0], "chunks freed by another process than their allocator");
            final Set<Long> pids = Set.of(first.pid(), second.pid());
            final long[] byChild = new long[2];
            reader.forEachChunk(chunk ->
            {
                if (chunk.ownerPid() == first.pid())
                {
                    byChild[0]++;
                }
                else if (chunk.ownerPid() == second.pid())
                {
                    byChild[1]++;
                }
            });
            assertTrue(byChild[0] > 0 && byChild[1] > 0, "both processes allocated from the heap");
            try (HistoryReader historyReader = HistoryReader.open(historyPath))
            {
                final List<Long> writers = historyReader.writers().stream().map(WriterInfo::pid).toList();
                assertTrue(writers.containsAll(pids), "both children logged to the shm list: " + writers);
                assertTrue(historyReader.list("shm").orElseThrow().totalPushed() >=
                    firstAllocations + secondAllocations,
                    "an incarnation per allocation");
            }
        }
    }
}
