package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.io.ProcessIdentity;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Processes killed with SIGKILL at a random moment of an allocate/free storm never make the heap
 * unusable for the others, and the leak report names their chunks.
 * <p>
 * A survivor child and the test JVM keep allocating and freeing (stamps checked) while victim children,
 * one per round, storm on two threads with some chunks pinned, and are killed. What a kill can cost,
 * and what this test therefore allows beyond the leak report:
 * <ul>
 * <li>a chunk popped from its free list whose header the victim had not yet marked allocated: it is in
 * no list and free in state, lost to everyone (the pop is complete at its CAS);</li>
 * <li>a chunk being freed (moved out of ALLOCATED by CAS) that never reached the quarantine ring or its
 * list: quarantined, or free and off its list, for good;</li>
 * <li>a refill caught between claiming pages and publishing them: up to a run of pages that no list
 * holds (uncarved, or carved with unused or unlisted chunks);</li>
 * <li>a chunk the victim had just marked allocated but not yet handed to its caller: a leak it was not
 * known to hold, owned by the victim all the same.</li>
 * </ul>
 * Each victim thread is in at most one operation when it dies, so the losses are bounded: at most
 * {@link #LOSS_PER_THREAD} page-or-chunk units per victim thread. Nothing else may go wrong: no chunk
 * of a live process or of the leak report is ever handed out again.
 */
class KillNineTest
{
    private static final long CAPACITY = 64L << 20;
    private static final long QUARANTINE_BYTES = 16 * 1024;
    private static final int ROUNDS = 8;
    private static final int PINNED = 10;
    /** A refill of the largest class the storms use (128 KiB) claims two pages; any other loss is one unit. */
    private static final int LOSS_PER_THREAD = 2;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void killedProcessesLeaveAUsableHeapAndTheirChunksInTheLeakReport() throws Exception
    {
        final Path heapPath = dir.resolve("kill.heap");
        final SharedHeap heap = SharedHeap.open(heapPath,
            HeapOptions.capacity(CAPACITY).poison(true).quarantineBytes(QUARANTINE_BYTES).history(null));
        final String options = HeapChild.optionsArg(CAPACITY, true, QUARANTINE_BYTES, null);
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final Storm mine = new Storm(heap, ProcessIdentity.PID, 0, seed, 64, ConcurrentHashMap.newKeySet());
        final Map<Long, long[]> pinnedByKilledPid = new HashMap<>();

        try (ChildJvm survivor = ChildJvm.of(HeapChild.class).name("survivor").args("survivor", heapPath, options,
            seed + 1).start())
        {
            survivor.awaitLine("READY");
            for (int round = 0; round < ROUNDS; round++)
            {
                try (ChildJvm victim = ChildJvm.of(HeapChild.class).name("victim-" + round).args("victim", heapPath,
                    options, seed + 100 + round, PINNED).start())
                {
                    final long[] pinned = parseAddresses(victim.awaitLine("PINNED "));
                    victim.awaitLine("READY");
                    // A random moment of the victims' storm; nothing below depends on when it lands.
                    Thread.sleep(random.nextInt(200));
                    victim.killHard();
                    pinnedByKilledPid.put(victim.pid(), pinned);
                }
                // The survivors go on: this process, and the survivor child all along.
                for (int i = 0; i < 5000; i++)
                {
                    mine.step();
                }
            }
            survivor.send("stop");
            final long survivorAllocations = Long.parseLong(survivor.awaitLine("DONE ").substring(5));
            survivor.awaitSuccess();
            assertTrue(survivorAllocations > 0, survivor.describe());
        }
        mine.checkAll();
        mine.freeAll();

        final String context = "seed " + seed + ", killed " + pinnedByKilledPid.keySet();
        final List<ChunkInfo> leaks = heap.leaks();
        final Set<Long> leaked = new HashSet<>();
        for (final ChunkInfo leak : leaks)
        {
            assertTrue(pinnedByKilledPid.containsKey(leak.ownerPid()),
                "0x" + Long.toHexString(leak.address()) + " reported leaked by pid " + leak.ownerPid() +
                ", which was not killed (" + context + ")");
            assertTrue(leak.isAllocated());
            leaked.add(leak.address());
        }
        for (final Map.Entry<Long, long[]> killed : pinnedByKilledPid.entrySet())
        {
            final long[] pinned = killed.getValue();
            for (int i = 0; i < pinned.length; i++)
            {
                assertTrue(leaked.contains(pinned[i]), "pinned 0x" + Long.toHexString(pinned[i]) + " of killed pid " +
                    killed.getKey() + " is missing from the leak report (" + context + ")");
                assertEquals(killed.getKey(), heap.chunk(pinned[i]).ownerPid());
                final long size = HeapChild.PINNED_SIZES[i % HeapChild.PINNED_SIZES.length];
                assertNull(Stamp.check(heap, pinned[i], size, Stamp.tag(killed.getKey(), HeapChild.PINNED_THREAD, i)),
                    "a dead process's chunk was handed to someone else (" + context + ")");
            }
        }
        final HeapSummary summary = heap.summary();
        assertEquals(leaks.size(), summary.allocatedChunks(),
            "every live process freed all it held: the allocated chunks are exactly the leaks (" + context + ")");
        assertEquals(0, summary.corruptPages(), "a kill is not corruption (" + context + ")");

        final String losses = describeLosses(heap, summary);
        System.out.println("kill -9: " + leaks.size() + " chunks leaked by " + pinnedByKilledPid.size() +
            " killed processes; lost to the kills: " + losses + " (" + context + ")");
        final int lossUnits = Integer.parseInt(losses.substring(0, losses.indexOf(' ')));
        assertTrue(lossUnits <= ROUNDS * HeapChild.VICTIM_THREADS * LOSS_PER_THREAD,
            "more lost than the kills can explain: " + losses + " (" + context + ")");

        // Still usable by a newcomer: every class the storms used hands out chunks, never a leaked one.
        final Set<Long> fresh = new HashSet<>();
        final List<Long> taken = new ArrayList<>();
        final SplittableRandom sizes = new SplittableRandom(seed + 7);
        for (int i = 0; i < 5000; i++)
        {
            final long address = heap.allocate(Storm.randomSize(sizes));
            assertFalse(leaked.contains(address), "a leaked chunk handed out again (" + context + ")");
            assertTrue(fresh.add(address), "0x" + Long.toHexString(address) + " handed out twice (" + context + ")");
            taken.add(address);
        }
        taken.forEach(heap::free);
        assertEquals(leaks.size(), heap.summary().allocatedChunks());
    }

    /**
     * What the kills cost, counted in units of a chunk or a page: pages with chunks that are free but on no
     * list or never published, quarantined chunks that are not in the ring, and claimed pages never carved.
     * Returns "UNITS units: details".
     */
    private static String describeLosses(final SharedHeap heap, final HeapSummary summary)
    {
        final Set<Long> listed = new HashSet<>();
        for (final ClassSummary c : summary.classes())
        {
            long index = TaggedIndex.index(heap.getLongVolatile(
                SizeClassDescriptor.entryOffset(c.sizeClass()) + SizeClassDescriptor.FREE_HEAD_OFFSET));
            for (long n = 0; index != 0 && n <= c.chunks(); n++)
            {
                final long chunk = TaggedIndex.offsetOf(index);
                assertTrue(listed.add(chunk), "chunk 0x" + Long.toHexString(chunk) + " twice on a free list");
                index = heap.getLongVolatile(chunk + ChunkHeaderDescriptor.NEXT_OFFSET) & TaggedIndex.INDEX_MASK;
            }
            assertEquals(0, index, "class " + c.sizeClass() + ": its free list is longer than its chunks (a cycle)");
        }
        final Set<Long> inRing = new HashSet<>();
        final long ring = heap.getLong(HeapHeaderDescriptor.QUARANTINE_RING_OFFSET_OFFSET);
        for (int slot = 0; slot < heap.reader().quarantineSlots(); slot++)
        {
            final long index = heap.getLongVolatile(ring + 8L * slot);
            if (index != 0)
            {
                inRing.add(TaggedIndex.offsetOf(index));
            }
        }
        final Set<Long> pagesWithLostChunks = new HashSet<>();
        final long[] stuckInQuarantine = new long[1];
        heap.reader().forEachChunk(chunk ->
        {
            final boolean lost;
            switch (chunk.state())
            {
                case ChunkHeaderDescriptor.STATE_FREE:
                    lost = !listed.contains(chunk.chunkOffset());
                    break;
                case ChunkHeaderDescriptor.STATE_UNUSED:
                    lost = true;
                    break;
                case ChunkHeaderDescriptor.STATE_QUARANTINED:
                    lost = false;
                    if (!inRing.contains(chunk.chunkOffset()))
                    {
                        stuckInQuarantine[0]++;
                    }
                    break;
                default:
                    lost = false;
            }
            if (lost)
            {
                pagesWithLostChunks.add(chunk.chunkOffset() >>> SizeClasses.PAGE_SHIFT);
            }
        });
        final long carvedPages = summary.classes().stream().mapToLong(ClassSummary::pages).sum();
        final long uncarvedPages = (summary.usedBytes() - summary.skippedBytes()) / SizeClasses.PAGE_SIZE - carvedPages;
        final long units = pagesWithLostChunks.size() + stuckInQuarantine[0] + uncarvedPages;
        return units + " units: " + pagesWithLostChunks.size() + " pages with chunks on no list, " +
            stuckInQuarantine[0] + " chunks quarantined outside the ring, " + uncarvedPages +
            " claimed pages never carved";
    }

    private static long[] parseAddresses(final String line)
    {
        return Arrays.stream(line.substring(line.indexOf(' ') + 1).trim().split(" "))
            .mapToLong(hex -> Long.parseUnsignedLong(hex, 16)).toArray();
    }
}
