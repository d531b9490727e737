package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.io.ProcessIdentity;

import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** free: reuse and generations, double frees (also racing ones), and addresses no allocation returned. */
class FreeTest
{
    @TempDir
    Path dir;

    @Test
    void aFreedChunkServesTheNextAllocationOfItsClassWithTheNextGeneration()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("reuse.heap"));
        final long address = heap.allocate(100);
        assertEquals(1, heap.generation(address));
        heap.free(address);
        final ChunkInfo freed = heap.chunk(address);
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, freed.state());
        assertEquals(ProcessIdentity.PID, freed.freedByPid());
        assertEquals(1, freed.generation(), "the generation moves on at the next allocation, not at the free");

        final long sameClass = heap.allocate(110);
        assertEquals(SizeClasses.classFor(100), SizeClasses.classFor(110));
        assertEquals(address, sameClass);
        assertEquals(2, heap.generation(sameClass));
        assertEquals(110, heap.chunk(sameClass).requestedSize());
        assertEquals(0, heap.chunk(sameClass).freedByPid(), "cleared while allocated");

        heap.free(sameClass);
        final long otherClass = heap.allocate(20);
        assertNotEquals(address, otherClass, "another class never gets the chunk");
        for (int generation = 3; generation <= 10; generation++)
        {
            final long again = heap.allocate(100);
            assertEquals(address, again);
            assertEquals(generation, heap.generation(again));
            heap.free(again);
        }
    }

    @Test
    void theGenerationWrapsPastTheLargestToOneNeverToZero()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("wrap.heap"));
        final long address = heap.allocate(100);
        heap.free(address);
        final long stateWord = address - ChunkHeaderDescriptor.LENGTH + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        final long word = heap.getLongVolatile(stateWord);
        // As if the chunk had been allocated 2^32 - 1 times: the raw accessor reaches the header.
        heap.putLongRelease(stateWord, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.state(word),
            ChunkHeaderDescriptor.sizeClass(word), -1));
        assertEquals(0xFFFF_FFFFL, heap.chunk(address).generationUnsigned());
        assertEquals(address, heap.allocate(100));
        assertEquals(1, heap.generation(address));
    }

    @Test
    void aDoubleFreeIsRefusedWithAClearMessageAndChangesNothing()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("double.heap"));
        final long address = heap.allocate(64);
        final long other = heap.allocate(64);
        heap.free(address);
        final DoubleFreeException ex = assertThrows(DoubleFreeException.class, () -> heap.free(address));
        assertEquals("double free of 0x" + Long.toHexString(address) + ": the chunk is free, freed by pid " +
            ProcessIdentity.PID + " (generation 1, allocated by pid " + ProcessIdentity.PID + ")", ex.getMessage());
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(address).state());

        // The chunk is on its free list once, not twice: two allocations get two chunks.
        final long first = heap.allocate(64);
        final long second = heap.allocate(64);
        assertEquals(address, first);
        assertNotEquals(first, second);
        assertNotEquals(other, second);

        // A chunk carved but never handed out: no allocation returned its address.
        final long neverAllocated = second + SizeClasses.chunkSize(SizeClasses.classFor(64));
        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(neverAllocated).state());
        assertEquals(0, heap.chunk(neverAllocated).generation());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> heap.free(neverAllocated)).getMessage()
            .contains("never allocated"));
    }

    @Test
    void ofTwoThreadsFreeingOneChunkAtOnceExactlyOneSucceeds() throws Exception
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("race.heap"));
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            for (int round = 0; round < 500; round++)
            {
                final long address = heap.allocate(round % 300);
                final CyclicBarrier start = new CyclicBarrier(2);
                final Future<Boolean> a = pool.submit(() -> freeAfter(start, heap, address));
                final Future<Boolean> b = pool.submit(() -> freeAfter(start, heap, address));
                final boolean aFreed = a.get(30, TimeUnit.SECONDS);
                final boolean bFreed = b.get(30, TimeUnit.SECONDS);
                assertTrue(aFreed ^ bFreed, "round " + round + ": exactly one free succeeds, not " +
                    (aFreed ? "both" : "neither"));
                assertFalse(heap.chunk(address).isAllocated());
            }
            assertEquals(0, heap.summary().allocatedChunks());
            // Had a chunk been pushed twice, two allocations would now share it.
            final java.util.Set<Long> seen = new java.util.HashSet<>();
            for (int i = 0; i < 2000; i++)
            {
                assertTrue(seen.add(heap.allocate(i % 300)), "allocation " + i + " handed out a held chunk");
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static boolean freeAfter(final CyclicBarrier start, final SharedHeap heap, final long address)
        throws Exception
    {
        start.await();
        try
        {
            heap.free(address);
            return true;
        }
        catch (final DoubleFreeException expected)
        {
            return false;
        }
    }

    @Test
    void addressesNoAllocationReturnedAreRefusedWithIllegalArgument()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("bad.heap"));
        final long small = heap.allocate(100);
        final long large = heap.allocate(200_000);

        final IllegalArgumentException interior = assertThrows(IllegalArgumentException.class,
            () -> heap.free(small + 16));
        assertEquals("cannot free 0x" + Long.toHexString(small + 16) + ": no allocation of heap " +
            dir.resolve("bad.heap") + " returned that address (it lies inside the chunk at 0x" +
            Long.toHexString(small) + ")", interior.getMessage());
        assertThrows(IllegalArgumentException.class, () -> heap.free(small + 1), "unaligned");
        assertThrows(IllegalArgumentException.class, () -> heap.free(small - 8), "inside its header");
        assertThrows(IllegalArgumentException.class, () -> heap.free(small - ChunkHeaderDescriptor.LENGTH),
            "the header's own offset");
        assertThrows(IllegalArgumentException.class, () -> heap.free(large + 64 * 1024), "a later page of a large run");
        assertThrows(IllegalArgumentException.class, () -> heap.free(large + 100_000));

        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> heap.free(0));
        assertEquals("cannot free 0x0: no allocation of heap " + dir.resolve("bad.heap") + " returned that address",
            zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> heap.free(-16));
        assertThrows(IllegalArgumentException.class, () -> heap.free(64), "the file's header");
        assertThrows(IllegalArgumentException.class, () -> heap.free(heap.capacity()), "past the end");
        assertThrows(IllegalArgumentException.class, () -> heap.free(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> heap.free(heap.capacity() - 4096), "a page never carved");
        // The tail of a small-class page that holds no whole chunk: 64 KiB is not a multiple of 1280.
        final long tail = heap.allocate(1200) & -(64L * 1024);
        assertEquals(SizeClasses.chunkSize(SizeClasses.classFor(1200)) * ((64 * 1024) / 1280), 64 * 1024 - 256);
        assertThrows(IllegalArgumentException.class, () -> heap.free(tail + 64 * 1024 - 128));

        assertTrue(heap.chunk(small).isAllocated(), "refusals leave the chunks alone");
        assertTrue(heap.chunk(large).isAllocated());
        heap.free(small);
        heap.free(large);
    }

    /** A free through a stale pointer, after the chunk went to someone else, must not free their struct. */
    @Test
    void aGenerationCheckedFreeRefusesAChunkAllocatedAgain()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("stale.heap"));
        final long address = heap.allocate(64);
        final int first = heap.generation(address);
        heap.free(address, first);
        final long again = heap.allocate(64);
        assertEquals(address, again, "the same chunk, handed out again");
        final UseAfterFreeException ex = assertThrows(UseAfterFreeException.class, () -> heap.free(address, first));
        assertTrue(ex.getMessage().contains("allocated again (generation " + (first + 1) + ", expected " + first + ")"),
            ex.getMessage());
        assertEquals(ChunkHeaderDescriptor.STATE_ALLOCATED, heap.chunk(again).state(), "the new owner's chunk stays");
        heap.free(again, heap.generation(again));
        assertThrows(DoubleFreeException.class, () -> heap.free(again, first + 1));
    }

    /** A free chunk whose header a stray write marked allocated is refused by allocate, not handed out. */
    @Test
    void aChunkWithAnOverwrittenHeaderIsNotHandedOut()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("corrupt.heap"));
        final long address = heap.allocate(64);
        heap.free(address);
        final long stateWord = address - ChunkHeaderDescriptor.LENGTH + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        heap.putLong(stateWord, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_ALLOCATED,
            SizeClasses.classFor(64), 7)); // what an overflow from the chunk before could write
        final HeapException ex = assertThrows(HeapException.class, () -> heap.allocate(64));
        assertTrue(ex.getMessage().contains("is corrupt: chunk 0x" + Long.toHexString(address) +
            " came off the free list of class " + SizeClasses.classFor(64) + " marked allocated"), ex.getMessage());
    }
}
