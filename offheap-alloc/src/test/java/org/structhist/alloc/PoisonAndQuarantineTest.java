package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.io.ProcessIdentity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Poisoning fills freed payloads with 0xDE; the FIFO quarantine keeps freed chunks out of reuse until
 * more than its byte budget (or its slot count) of frees wait, so that a use after free meets a chunk
 * still marked freed. {@code checkLive(address, generation)} catches the use after reuse.
 */
class PoisonAndQuarantineTest
{
    /** allocate(SIZE) takes the 160-byte class. */
    private static final long SIZE = 100;
    private static final long CHUNK = 160;

    @TempDir
    Path dir;

    private static void fill(final SharedHeap heap, final long address, final long bytes, final byte value)
    {
        for (long i = 0; i < bytes; i++)
        {
            heap.putByte(address + i, value);
        }
    }

    private static long firstByteOtherThan(final SharedHeap heap, final long address,
        final long bytes, final byte value)
    {
        for (long i = 0; i < bytes; i++)
        {
            if (heap.getByte(address + i) != value)
            {
                return i;
            }
        }
        return -1;
    }

    private static long payloadOfChunk(final long size)
    {
        return SizeClasses.chunkSize(SizeClasses.classFor(size)) - ChunkHeaderDescriptor.LENGTH;
    }

    @Test
    void aFreedPayloadIsAllPoisonAndItsNeighboursAndHeaderAreUntouched()
    {
        assertEquals(CHUNK, SizeClasses.chunkSize(SizeClasses.classFor(SIZE)));
        final SharedHeap heap = SharedHeap.open(dir.resolve("poison.heap"), TestHeaps.options(8L << 20).poison(true));
        final long before = heap.allocate(SIZE);
        final long victim = heap.allocate(SIZE);
        final long after = heap.allocate(SIZE);
        assertEquals(CHUNK, victim - before);
        assertEquals(CHUNK, after - victim);
        for (final long address : new long[] {before, victim, after})
        {
            fill(heap, address, payloadOfChunk(SIZE), (byte)0x11);
        }
        heap.free(victim);

        assertEquals(-1, firstByteOtherThan(heap, victim, payloadOfChunk(SIZE), SharedHeap.POISON),
            "the whole payload, slack included, is poison");
        assertEquals(0xDEDE_DEDE_DEDE_DEDEL, heap.getLong(victim), "what a read after free sees");
        assertEquals(-1, firstByteOtherThan(heap, before, payloadOfChunk(SIZE), (byte)0x11));
        assertEquals(-1, firstByteOtherThan(heap, after, payloadOfChunk(SIZE), (byte)0x11));
        final ChunkInfo header = heap.chunk(victim);
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, header.state(), "poison never reaches the header");
        assertEquals(SizeClasses.classFor(SIZE), header.sizeClass());
        assertEquals(ProcessIdentity.PID, header.freedByPid());
        assertTrue(heap.chunk(after).isAllocated());

        final long large = heap.allocate(200_000);
        fill(heap, large + 199_000, 1000, (byte)0x22);
        heap.free(large);
        assertEquals(-1, firstByteOtherThan(heap, large, payloadOfChunk(200_000), SharedHeap.POISON));

        // The next user gets the poison, not the last user's data.
        assertEquals(victim, heap.allocate(SIZE));
        assertEquals(-1, firstByteOtherThan(heap, victim, SIZE, SharedHeap.POISON));
    }

    @Test
    void withoutPoisonAFreedPayloadKeepsItsBytes()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("plain.heap"));
        final long address = heap.allocate(SIZE);
        Stamp.write(heap, address, SIZE, 77);
        heap.free(address);
        assertNull(Stamp.check(heap, address, SIZE, 77));
    }

    @Test
    void aFreedChunkWaitsUntilMoreThanTheBudgetOfFreesWaitOldestFirst()
    {
        final long budget = 4 * CHUNK;
        final SharedHeap heap = SharedHeap.open(dir.resolve("fifo.heap"),
            TestHeaps.options(8L << 20).quarantineBytes(budget));
        final long[] chunks = new long[8];
        for (int i = 0; i < chunks.length; i++)
        {
            chunks[i] = heap.allocate(SIZE);
        }
        for (int i = 0; i < 4; i++)
        {
            heap.free(chunks[i]);
        }
        for (int i = 0; i < 4; i++)
        {
            assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(chunks[i]).state(), "chunk " + i);
        }
        assertEquals(4 * CHUNK, heap.summary().quarantinedBytes(), "exactly the budget waits: nothing leaves yet");
        final ClassSummary sizeClass = classSummary(heap, SizeClasses.classFor(SIZE));
        assertEquals(4, sizeClass.quarantined());
        assertEquals(4, sizeClass.allocated());

        // While they wait, the class hands out other chunks: none of the four comes back.
        final Set<Long> waiting = Set.of(chunks[0], chunks[1], chunks[2], chunks[3]);
        final List<Long> meanwhile = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final long address = heap.allocate(SIZE);
            assertFalse(waiting.contains(address), "a quarantined chunk was reused");
            meanwhile.add(address);
        }

        heap.free(chunks[4]); // 5 chunks, 800 bytes > 640: the oldest, and only it, leaves
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(chunks[0]).state());
        for (int i = 1; i <= 4; i++)
        {
            assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(chunks[i]).state(), "chunk " + i);
        }
        assertEquals(4 * CHUNK, heap.summary().quarantinedBytes());
        assertEquals(chunks[0], heap.allocate(SIZE), "the chunk let out is the next one handed out");
        assertEquals(2, heap.generation(chunks[0]));

        heap.free(chunks[5]);
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(chunks[1]).state(), "then the second oldest");
        assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(chunks[2]).state());
        assertEquals(chunks[1], heap.allocate(SIZE));

        // Bytes of every class count against one budget: a large free pushes several small ones out.
        final long larger = 384 - ChunkHeaderDescriptor.LENGTH;
        assertEquals(384, SizeClasses.chunkSize(SizeClasses.classFor(larger)));
        final long large = heap.allocate(larger);
        heap.free(large); // 640 + 384 bytes wait: three 160-byte chunks must leave to get within 640

        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(chunks[2]).state());
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(chunks[3]).state());
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(chunks[4]).state());
        assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(chunks[5]).state());
        assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(large).state());
        assertTrue(heap.summary().quarantinedBytes() <= budget);
        meanwhile.forEach(heap::free);
    }

    @Test
    void aChunkLargerThanTheBudgetIsNotHeldBack()
    {
        final SharedHeap heap = SharedHeap.open(dir.resolve("small-budget.heap"),
            TestHeaps.options(8L << 20).quarantineBytes(CHUNK - 1));
        final long address = heap.allocate(SIZE);
        heap.free(address);
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(address).state());
        assertEquals(0, heap.summary().quarantinedBytes());
        assertEquals(address, heap.allocate(SIZE));
    }

    @Test
    void whenTheSlotsAreFullTheOldestLeavesAndTheNewestWaits()
    {
        final int slots = 16;
        final SharedHeap heap = SharedHeap.open(dir.resolve("slots.heap"),
            TestHeaps.options(8L << 20).quarantineBytes(1L << 30).quarantineSlots(slots));
        final long[] chunks = new long[3 * slots];
        for (int i = 0; i < chunks.length; i++)
        {
            chunks[i] = heap.allocate(SIZE);
        }
        for (int i = 0; i < chunks.length; i++)
        {
            heap.free(chunks[i]);
            // After each free the newest `slots` chunks wait and every older one has left, oldest first.
            for (int j = 0; j <= i; j++)
            {
                final int expected = j > i - slots ? ChunkHeaderDescriptor.STATE_QUARANTINED :
                    ChunkHeaderDescriptor.STATE_FREE;
                assertEquals(ChunkHeaderDescriptor.stateName(expected), heap.chunk(chunks[j]).stateName(),
                    "chunk " + j + " after free " + i);
            }
            final long newest = chunks[i];
            assertThrows(UseAfterFreeException.class, () -> heap.checkLive(newest), "free " + i);
        }
        assertEquals(slots * CHUNK, heap.summary().quarantinedBytes());
    }

    @Test
    void checkLiveAndTheCheckedAccessorCatchAUseOfAQuarantinedChunk()
    {
        final SharedHeap heap = SharedHeap.open(dir.resolve("uaf.heap"),
            TestHeaps.options(8L << 20).poison(true).quarantineBytes(64 * 1024));
        final long address = heap.allocate(SIZE);
        heap.checked().putLong(address, 5);
        heap.checkLive(address);
        heap.checkLive(address + SIZE - 1);
        heap.free(address);

        final UseAfterFreeException ex = assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address));
        assertEquals("use after free of 0x" + Long.toHexString(address) + ": its chunk 0x" + Long.toHexString(address) +
            " is quarantined, freed by pid " + ProcessIdentity.PID + "; allocated by pid " + ProcessIdentity.PID +
            " as generation 1", ex.getMessage());
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address + 40), "an interior byte too");
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address, 1));
        assertThrows(UseAfterFreeException.class, () -> heap.checked().getLong(address));
        assertThrows(UseAfterFreeException.class, () -> heap.checked().putLong(address, 6));
        assertThrows(UseAfterFreeException.class, () -> heap.checked().getByte(address + 99));
        assertEquals(0xDEDE_DEDE_DEDE_DEDEL, heap.getLong(address), "the raw read shows the poison");
        for (int i = 0; i < 100; i++)
        {
            assertNotEquals(address, heap.allocate(SIZE), "the budget holds it back from reuse");
        }
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address));
    }

    @Test
    void checkLiveWithAGenerationCatchesAUseAfterTheChunkWasReused()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("generation.heap"));
        final long address = heap.allocate(SIZE);
        final int generation = heap.generation(address);
        heap.checkLive(address, generation);
        heap.free(address);
        final long reused = heap.allocate(SIZE);
        assertEquals(address, reused, "no quarantine: the chunk is reused at once");

        heap.checkLive(address); // allocated again: without the generation the stale use looks fine
        final UseAfterFreeException ex = assertThrows(UseAfterFreeException.class,
            () -> heap.checkLive(address, generation));
        assertEquals("use after free of 0x" + Long.toHexString(address) + ": its chunk 0x" + Long.toHexString(address) +
            " is allocated again (generation 2, expected 1); allocated by pid " + ProcessIdentity.PID +
            " as generation 2", ex.getMessage());
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address + 50, generation), "interior byte");
        heap.checkLive(address, heap.generation(reused));
        heap.checkLive(address + 50, 2);

        heap.free(reused);
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address, 2), "freed, generation matches");
        final UseAfterFreeException nowhere = assertThrows(UseAfterFreeException.class,
            () -> heap.checkLive(heap.capacity() - 8, 1));
        assertTrue(nowhere.getMessage().endsWith("no chunk of heap " + dir.resolve("generation.heap") +
            " holds that address"), nowhere.getMessage());
    }

    @Test
    void racingFreesThroughTheQuarantineReleaseEveryChunkExactlyOnce() throws Exception
    {
        final SharedHeap heap = SharedHeap.open(dir.resolve("quarantine-race.heap"),
            TestHeaps.options(32L << 20).quarantineBytes(8 * 1024).quarantineSlots(16));
        final Set<Long> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<Thread> threads = new ArrayList<>();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
            new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < 4; t++)
        {
            final Storm storm = new Storm(heap, ProcessIdentity.PID, t, 1000 + t, 16, held);
            final Thread thread = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < 20_000; i++)
                    {
                        storm.step();
                    }
                    storm.freeAll();
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
            throw new AssertionError(failure.get());
        }
        // Every chunk is free or waits, none twice on a list: the summary's quarantined chunks are the
        // ring's, and as many allocations as there are free chunks get distinct addresses.
        assertEquals(0, heap.summary().allocatedChunks());
        final long quarantined = heap.summary().classes().stream().mapToLong(ClassSummary::quarantined).sum();
        assertTrue(quarantined <= 16, quarantined + " chunks wait in a 16-slot quarantine");
        final Set<Long> seen = new HashSet<>();
        for (final ClassSummary c : heap.summary().classes())
        {
            assertEquals(c.free(), heap.reader().freeListLength(c.sizeClass(), 1_000_000),
                "class " + c.sizeClass() + ": every free chunk is on its list, once");
            for (long i = 0; i < c.free(); i++)
            {
                final long address = heap.allocate(c.chunkSize() - ChunkHeaderDescriptor.LENGTH);
                assertTrue(seen.add(address), "0x" + Long.toHexString(address) + " handed out twice");
            }
            assertEquals(0, heap.reader().freeListLength(c.sizeClass(), 1_000_000));
        }
    }

    private static ClassSummary classSummary(final SharedHeap heap, final int sizeClass)
    {
        return heap.summary().classes().stream().filter(c -> c.sizeClass() == sizeClass).findFirst().orElseThrow();
    }

    /** Out of pages, a heap reuses what its quarantine holds rather than throwing HeapExhaustedException. */
    @Test
    void aFullHeapDrainsTheQuarantineBeforeItGivesUp()
    {
        final SharedHeap heap = SharedHeap.open(dir.resolve("drain.heap"),
            TestHeaps.options(2L << 20).quarantineBytes(1L << 30));
        final java.util.List<Long> held = new java.util.ArrayList<>();
        while (true)
        {
            try
            {
                held.add(heap.allocate(1000));
            }
            catch (final HeapExhaustedException ex)
            {
                break;
            }
        }
        final long freed = held.remove(held.size() - 1);
        heap.free(freed); // waits in a quarantine far larger than the heap
        assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(freed).state());
        assertEquals(freed, heap.allocate(1000), "the quarantined chunk, released because nothing else was left");
        assertThrows(HeapExhaustedException.class, () -> heap.allocate(1000), "and nothing more");
    }
}
