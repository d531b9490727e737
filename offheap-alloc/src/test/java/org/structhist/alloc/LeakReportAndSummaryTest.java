package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.io.ProcessIdentity;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The summary counts what was done, class by class; the leak report names only chunks of dead processes. */
class LeakReportAndSummaryTest
{
    private static final long PAGE = SizeClasses.PAGE_SIZE;

    @TempDir
    Path dir;

    private static ClassSummary classOf(final HeapSummary summary, final long size)
    {
        final int sizeClass = SizeClasses.classFor(size);
        return summary.classes().stream().filter(c -> c.sizeClass() == sizeClass).findFirst()
            .orElseThrow(() -> new AssertionError("no class " + sizeClass + " in " + summary));
    }

    private static long chunksPerPage(final long size)
    {
        return PAGE / SizeClasses.chunkSize(SizeClasses.classFor(size));
    }

    @Test
    void theSummaryCountsEachClassAsTheTestUsedIt()
    {
        final SharedHeap heap = SharedHeap.open(dir.resolve("summary.heap"),
            TestHeaps.options(16L << 20).quarantineBytes(1000));
        assertEquals(List.of(), heap.summary().classes(), "a new heap has carved nothing");
        final List<Long> small = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            small.add(heap.allocate(40)); // 96-byte class
        }
        final List<Long> medium = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            medium.add(heap.allocate(1000)); // 1280-byte class
        }
        final long large = heap.allocate(100_000); // 128 KiB run
        heap.free(small.get(0));
        heap.free(small.get(1));
        heap.free(medium.get(0)); // 96 + 96 + 1280 > 1000, and 1280 alone too: all three leave the quarantine
        heap.free(small.get(2)); // 96 bytes: this one waits

        final HeapSummary summary = heap.summary();
        assertEquals(3, summary.classes().size(), summary.toString());
        final ClassSummary smallClass = classOf(summary, 40);
        assertEquals(1, smallClass.pages());
        assertEquals(7, smallClass.allocated());
        assertEquals(chunksPerPage(40) - 8, smallClass.free());
        assertEquals(1, smallClass.quarantined());
        assertEquals(7 * 40, smallClass.requestedBytes());
        final ClassSummary mediumClass = classOf(summary, 1000);
        assertEquals(2, mediumClass.allocated());
        assertEquals(0, mediumClass.quarantined());
        assertEquals(chunksPerPage(1000) - 2, mediumClass.free());
        assertEquals(2000, mediumClass.requestedBytes());
        assertEquals(96, summary.quarantinedBytes());
        final ClassSummary largeClass = classOf(summary, 100_000);
        assertEquals(2, largeClass.pages());
        assertEquals(1, largeClass.allocated());
        assertEquals(1, largeClass.chunks());
        assertEquals(100_000, largeClass.requestedBytes());

        assertEquals(10, summary.allocatedChunks());
        assertEquals(7 * 96 + 2 * 1280 + 128 * 1024, summary.allocatedBytes());
        assertEquals(4 * PAGE, summary.usedBytes(), "pages carved: one per small class, two for the large run");
        assertEquals(0, summary.skippedBytes());
        assertEquals(16L << 20, summary.capacity());
        assertTrue(summary.dataOffset() > 0 && summary.dataOffset() % PAGE == 0);
        assertEquals(0, summary.corruptPages());
        assertEquals(summary, HeapReader.open(dir.resolve("summary.heap")).summary());

        final List<Long> walked = new ArrayList<>();
        heap.reader().forEachChunk(chunk -> walked.add(chunk.address()));
        assertEquals(chunksPerPage(40) + chunksPerPage(1000) + 1, walked.size(), "every carved chunk, once");
        assertTrue(walked.containsAll(small) && walked.containsAll(medium) && walked.contains(large));
        final List<Long> sorted = new ArrayList<>(walked);
        sorted.sort(null);
        assertEquals(sorted, walked, "in file order");
    }

    @Test
    void aLargeRefillKilledBeforePublishingItsRunIsUnusedSpaceNotCorruption()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("killed-refill.heap"));
        final long before = heap.allocate(100);
        // What a process killed inside PageBump.refill of a two-page class leaves: the pages claimed from the
        // bump and the second page's continuation entry (-1) written, the first page's entry not yet.
        final long run = heap.getLongVolatile(HeapHeaderDescriptor.PAGE_BUMP_OFFSET);
        assertTrue(heap.compareAndSetLong(HeapHeaderDescriptor.PAGE_BUMP_OFFSET, run, run + 2 * PAGE));
        final long pageTable = heap.getLong(HeapHeaderDescriptor.PAGE_TABLE_OFFSET_OFFSET);
        heap.putIntRelease(pageTable + ((run + PAGE) >>> SizeClasses.PAGE_SHIFT) * 4, -1);

        final HeapSummary summary = heap.summary();
        assertEquals(0, summary.corruptPages(), "a kill is not corruption: " + summary);
        assertEquals(3 * PAGE, summary.usedBytes(), "the abandoned run is used up, not reusable");
        assertNull(heap.chunk(run + PAGE + 100));
        assertThrows(IllegalArgumentException.class, () -> heap.free(run + ChunkHeaderDescriptor.LENGTH));
        assertThrows(IllegalArgumentException.class, () -> heap.free(run + PAGE + ChunkHeaderDescriptor.LENGTH));
        final long after = heap.allocate(100_000);
        assertEquals(run + 2 * PAGE + ChunkHeaderDescriptor.LENGTH, after, "the next run starts after it");
        heap.free(after);
        heap.free(before);
        assertEquals(List.of(), heap.leaks());
        assertEquals(0, heap.summary().corruptPages());
    }

    @Test
    void chunkInfoDescribesTheChunkFromAnyByteOfIt()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("info.heap"));
        final long before = System.currentTimeMillis() * 1_000_000 - 1_000_000_000L;
        final long address = heap.allocate(300);
        final ChunkInfo info = heap.chunk(address + 299);
        assertEquals(address, info.address());
        assertEquals(address - ChunkHeaderDescriptor.LENGTH, info.chunkOffset());
        assertEquals(heap.chunk(address - ChunkHeaderDescriptor.LENGTH), info, "the header's bytes belong to it too");
        assertEquals("allocated", info.stateName());
        assertEquals(300, info.requestedSize());
        assertEquals(SizeClasses.chunkSize(SizeClasses.classFor(300)), info.chunkSize());
        assertEquals(ProcessIdentity.PID, info.ownerPid());
        assertEquals(0, info.freedByPid());
        assertEquals(0, info.historyHandle());
        assertTrue(info.allocatedAtNanos() > before && info.allocatedAtNanos() < before + 3_600_000_000_000L,
            "an epoch time in ns, about now: " + info.allocatedAtNanos());
        assertNull(heap.chunk(0));
        assertNull(heap.chunk(heap.capacity() - 1), "a page never carved");
    }

    @Test
    @Timeout(120)
    void theLeakReportNamesTheChunksOfDeadProcessesOnly()
    {
        final Path heapPath = dir.resolve("leaks.heap");
        final long capacity = 8L << 20;
        final SharedHeap heap = TestHeaps.open(heapPath, capacity);
        final long mine = heap.allocate(64);
        final String options = HeapChild.optionsArg(capacity, false, 0, null);
        final long[] gone;
        final long gonePid;
        final long[] stillRunning;
        try (ChildJvm exited = ChildJvm.of(HeapChild.class).name("exits").args("hold", heapPath, options, 5).start();
             ChildJvm running = ChildJvm.of(HeapChild.class).name("runs").args("hold", heapPath, options, 3).start())
        {
            gone = parseAddresses(exited.awaitLine("HELD "));
            stillRunning = parseAddresses(running.awaitLine("HELD "));
            assertEquals(List.of(), heap.leaks(), "both owners alive: no leak yet");

            exited.send("exit");
            exited.awaitSuccess(); // a clean exit that never freed: its chunks are leaks now
            gonePid = exited.pid();
            final List<ChunkInfo> leaks = heap.leaks();
            assertEquals(sorted(gone), sorted(leaks.stream().mapToLong(ChunkInfo::address).toArray()),
                "exactly the dead process's chunks");
            for (final ChunkInfo leak : leaks)
            {
                assertEquals(gonePid, leak.ownerPid());
                assertTrue(leak.isAllocated());
            }
            assertEquals(5 + 3 + 1, heap.summary().allocatedChunks(), "leaked chunks are still allocated");
            assertEquals(leaks, HeapReader.open(heapPath).leaks(), "a read-only reader reports the same");
            assertFalse(heap.reader().isAlive(gonePid));
            assertTrue(heap.reader().isAlive(running.pid()));
            assertTrue(heap.reader().isAlive(ProcessIdentity.PID));

            running.send("exit");
            running.awaitSuccess();
        }
        final Map<Long, List<Long>> byOwner = new TreeMap<>(heap.leaks().stream().collect(
            Collectors.groupingBy(ChunkInfo::ownerPid, Collectors.mapping(ChunkInfo::address, Collectors.toList()))));
        assertEquals(2, byOwner.size(), "both children's chunks, not this process's: " + byOwner);
        assertFalse(byOwner.containsKey(ProcessIdentity.PID));
        assertEquals(5, byOwner.get(gonePid).size());
        assertEquals(3, byOwner.values().stream().mapToInt(List::size).sum() - 5);
        assertTrue(heap.chunk(mine).isAllocated());

        // Whoever cleans up after the dead may free their chunks: they leave the report.
        for (final long address : gone)
        {
            heap.free(address);
        }
        assertEquals(sorted(stillRunning), sorted(heap.leaks().stream().mapToLong(ChunkInfo::address).toArray()));
    }

    private static long[] parseAddresses(final String line)
    {
        return Arrays.stream(line.substring(line.indexOf(' ') + 1).trim().split(" "))
            .mapToLong(hex -> Long.parseUnsignedLong(hex, 16)).toArray();
    }

    private static List<Long> sorted(final long[] addresses)
    {
        return Arrays.stream(addresses).sorted().boxed().toList();
    }
}
