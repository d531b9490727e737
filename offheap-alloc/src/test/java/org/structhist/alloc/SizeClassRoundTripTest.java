package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.reader.ChunkInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every size class hands out chunks that hold what was asked, 16-aligned, writable to the last byte
 * without touching a neighbour; sizes no class holds are refused; a full heap says so and recovers.
 * The largest classes (up to {@link SharedHeap#maxAllocation()}) need a heap beyond 1 GiB: see
 * {@link LargeHeapTest}.
 */
class SizeClassRoundTripTest
{
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    /** The sizes to try: 0, 1, and each class's largest payload and one byte more, up to {@code limit}. */
    private static List<Long> boundarySizes(final long limit)
    {
        final TreeSet<Long> sizes = new TreeSet<>(List.of(0L, 1L, 15L, 16L, 17L));
        for (int c = 0; c < SizeClasses.count(); c++)
        {
            final long largest = SizeClasses.chunkSize(c) - ChunkHeaderDescriptor.LENGTH;
            for (final long size : new long[] {largest - 1, largest, largest + 1})
            {
                if (size >= 0 && size <= limit)
                {
                    sizes.add(size);
                }
            }
        }
        return new ArrayList<>(sizes);
    }

    @Test
    void classesAreOrderedAndEachSizeGetsTheSmallestClassThatHoldsIt()
    {
        assertEquals(SizeClasses.chunkSize(SizeClasses.count() - 1) - ChunkHeaderDescriptor.LENGTH,
            SharedHeap.maxAllocation());
        assertEquals((1L << 30) - ChunkHeaderDescriptor.LENGTH, SharedHeap.maxAllocation());
        for (int c = 1; c < SizeClasses.count(); c++)
        {
            assertTrue(SizeClasses.chunkSize(c) > SizeClasses.chunkSize(c - 1), "class " + c);
            assertEquals(0, SizeClasses.chunkSize(c) % 16, "class " + c + " keeps payloads 16-aligned");
        }
        for (final long size : boundarySizes(SharedHeap.maxAllocation()))
        {
            final int c = SizeClasses.classFor(size);
            assertTrue(c >= 0, "size " + size);
            assertTrue(SizeClasses.chunkSize(c) - ChunkHeaderDescriptor.LENGTH >= size,
                "class " + c + " holds " + size);
            assertTrue(c == 0 || SizeClasses.chunkSize(c - 1) - ChunkHeaderDescriptor.LENGTH < size,
                "class " + (c - 1) + " would have held " + size);
        }
        assertEquals(-1, SizeClasses.classFor(-1));
        assertEquals(-1, SizeClasses.classFor(SharedHeap.maxAllocation() + 1));
        assertEquals(-1, SizeClasses.classFor(Long.MAX_VALUE - 10));
    }

    @Test
    void everySizeUpToFourMebibytesRoundTripsAlignedAndToItsLastByte()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("sizes.heap"), 64 * MIB);
        final List<Long> sizes = boundarySizes(4 * MIB);
        final long[] addresses = new long[sizes.size()];
        for (int i = 0; i < sizes.size(); i++)
        {
            final long size = sizes.get(i);
            final long address = heap.allocate(size);
            addresses[i] = address;
            assertEquals(0, address & 15,
                "allocate(" + size + ") = 0x" + Long.toHexString(address) + " is not 16-aligned");
            final ChunkInfo info = heap.chunk(address);
            assertEquals(address, info.address());
            assertEquals(SizeClasses.classFor(size), info.sizeClass(), "size " + size);
            assertEquals(size, info.requestedSize());
            assertEquals(1, info.generation());
            assertTrue(info.isAllocated());
            assertTrue(info.chunkSize() - ChunkHeaderDescriptor.LENGTH >= size);
            Stamp.write(heap, address, size, i);
        }
        // All stamped first, all checked after: a write past a payload would have broken a neighbour's stamp
        // (chunks of one class sit back to back) or the neighbour's header.
        for (int i = 0; i < sizes.size(); i++)
        {
            final long size = sizes.get(i);
            assertNull(Stamp.check(heap, addresses[i], size, i));
            if (size > 0)
            {
                heap.checked().putByte(addresses[i] + size - 1, (byte)0x5A);
                assertEquals((byte)0x5A, heap.checked().getByte(addresses[i] + size - 1), "last byte of " + size);
            }
            final ChunkInfo info = heap.chunk(addresses[i]);
            assertTrue(info.isAllocated(), "header of the chunk for " + size + " intact");
            assertEquals(size, info.requestedSize());
        }
        for (final long address : addresses)
        {
            heap.free(address);
        }
        assertEquals(0, heap.summary().allocatedChunks());
    }

    @Test
    void chunksOfOneClassAreBackToBackAndAFullPayloadLeavesTheNextHeaderAlone()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("neighbours.heap"));
        for (int c = 0; c < SizeClasses.smallCount(); c++)
        {
            final long payload = SizeClasses.chunkSize(c) - ChunkHeaderDescriptor.LENGTH;
            final long first = heap.allocate(payload);
            final long second = heap.allocate(payload);
            assertEquals(SizeClasses.chunkSize(c), second - first, "class " + c + ": a fresh page is carved in order");
            for (long b = 0; b < payload; b++)
            {
                heap.putByte(first + b, (byte)0xFF);
            }
            final ChunkInfo next = heap.chunk(second);
            assertTrue(next.isAllocated(), "class " + c);
            assertEquals(payload, next.requestedSize());
            assertEquals(1, next.generation());
            heap.free(second);
            heap.free(first);
        }
    }

    @Test
    void aNegativeOrTooLargeSizeIsRefused()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("refused.heap"));
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> heap.allocate(-1));
        assertEquals("cannot allocate -1 bytes: a chunk holds 0 to " +
            SharedHeap.maxAllocation(), negative.getMessage());
        final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
            () -> heap.allocate(SharedHeap.maxAllocation() + 1));
        assertTrue(tooLarge.getMessage().startsWith("cannot allocate " + (SharedHeap.maxAllocation() + 1) + " bytes"),
            tooLarge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> heap.allocate(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> heap.allocate(Long.MIN_VALUE));
        assertEquals(0, heap.summary().allocatedChunks(), "a refusal takes nothing");
        assertEquals(0, heap.summary().usedBytes());
    }

    @Test
    void aFullHeapThrowsHeapExhaustedAndWorksAgainAfterFrees()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("full.heap"), 4 * MIB);
        final List<Long> held = new ArrayList<>();
        HeapExhaustedException full = null;
        while (full == null)
        {
            try
            {
                held.add(heap.allocate(1000));
            }
            catch (final HeapExhaustedException ex)
            {
                full = ex;
            }
        }
        final String message = full.getMessage();
        assertTrue(message.startsWith("heap " + dir.resolve("full.heap") + " is full: no free chunk of "), message);
        assertTrue(message.contains("for 1000 requested"), message);
        assertTrue(message.contains(held.size() + " chunks allocated"), message);
        assertFalse(message.contains("\n"), message);
        assertEquals(held.size(), heap.summary().allocatedChunks());

        // Still full for a larger class too: pages are never given back to other classes.
        assertThrows(HeapExhaustedException.class, () -> heap.allocate(100_000));
        assertThrows(HeapExhaustedException.class, () -> heap.allocate(1000), "full stays full");

        final long freed = held.remove(held.size() / 2);
        heap.free(freed);
        final long again = heap.allocate(1000);
        assertEquals(freed, again, "the freed chunk serves the next allocation of its class");
        assertEquals(2, heap.generation(again));
        held.add(again);
        for (final long address : held)
        {
            heap.free(address);
        }
        assertEquals(SizeClasses.classFor(1000), SizeClasses.classFor(1100));
        for (int i = 0; i < held.size(); i++)
        {
            heap.allocate(1100); // the same class: every chunk is usable again
        }
        assertEquals(held.size(), heap.summary().allocatedChunks());
    }
}
