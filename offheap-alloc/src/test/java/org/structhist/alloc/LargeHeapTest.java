package org.structhist.alloc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A heap beyond 2 GiB, mapped in three 1 GiB segments: every class up to the largest allocation, chunks
 * in the second segment and beyond offset 2^31 written and read back at their last byte, runs kept off
 * segment edges. In /dev/shm (memory), so creating the file costs a fill of RAM, not a disk write; the
 * payloads are touched only where checked, which keeps the test fast.
 */
class LargeHeapTest
{
    private static final long GIB = 1L << 30;
    private static final long CAPACITY = 5 * GIB / 2;

    private Path path;

    @AfterEach
    void deleteHeap() throws Exception
    {
        if (path != null)
        {
            Files.deleteIfExists(path);
            Files.deleteIfExists(path.getParent());
            // The tmpfs pages stay in use until the mapping is unmapped, which happens when its buffers are
            // collected: ask for that now rather than hold 2.5 GiB of shared memory for the rest of the run.
            System.gc();
        }
    }

    private static void writeAndCheckEnds(final SharedHeap heap, final long address, final long size)
    {
        if (size == 0)
        {
            return;
        }
        final byte last = (byte)(address ^ size);
        heap.putByte(address, (byte)~last);
        heap.putByte(address + size - 1, last);
        assertEquals(last, heap.getByte(address + size - 1), "last byte of 0x" + Long.toHexString(address));
        assertEquals(last, heap.checked().getByte(address + size - 1));
        if (size > 1)
        {
            assertEquals((byte)~last, heap.checked().getByte(address), "first byte of 0x" + Long.toHexString(address));
        }
        if (size >= 16)
        {
            heap.checked().putLong(address + size - 8, address * 31 + size);
            assertEquals(address * 31 + size, heap.getLong(address + size - 8));
        }
        // The byte after the payload: this chunk's slack, the next chunk's header (free: a use after free;
        // allocated: outside its payload) or past the file's end (no chunk).
        final RuntimeException past =
            assertThrows(RuntimeException.class, () -> heap.checked().getByte(address + size));
        assertTrue(past instanceof IndexOutOfBoundsException || past instanceof UseAfterFreeException, past.toString());
    }

    @Test
    void aHeapBeyondTwoGibibytesServesEveryClassUpToTheLargest() throws Exception
    {
        final Path shm = Paths.get("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable /dev/shm");
        assumeTrue(Files.getFileStore(shm).getUsableSpace() > CAPACITY + GIB, "not enough room in /dev/shm");
        // A directory of its own (0700): a heap file directly in /dev/shm, writable by everyone, is refused.
        path = Files.createTempDirectory(shm, "structhist-large-heap-test-").resolve("large.heap");
        final SharedHeap heap = TestHeaps.open(path, CAPACITY);
        assertEquals(CAPACITY, heap.capacity());

        // Every class up to 256 MiB fits in the first segment (about 514 MiB with the small pages).
        final List<Long> addresses = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();
        for (final long size : new long[] {0, 1})
        {
            addresses.add(heap.allocate(size));
            sizes.add(size);
        }
        int sizeClass = 0;
        for (; SizeClasses.chunkSize(sizeClass) <= GIB / 4; sizeClass++)
        {
            final long size = SizeClasses.chunkSize(sizeClass) - ChunkHeaderDescriptor.LENGTH;
            addresses.add(heap.allocate(size));
            sizes.add(size);
        }
        final long endOfFirstRuns = heap.summary().usedBytes() + heap.summary().dataOffset();
        assertTrue(endOfFirstRuns < GIB, "all in the first segment: " + endOfFirstRuns);
        assertEquals(SizeClasses.count() - 2, sizeClass, "left: the 512 MiB and 1 GiB classes");

        // The largest allocation cannot start inside the first segment: its run skips to the second.
        final long largest = heap.allocate(SharedHeap.maxAllocation());
        assertEquals(GIB + ChunkHeaderDescriptor.LENGTH, largest);
        assertEquals((1L << 31) - 1, largest + SharedHeap.maxAllocation() - 1, "its last byte is at 2^31 - 1");
        addresses.add(largest);
        sizes.add(SharedHeap.maxAllocation());

        final long halfGib = GIB / 2 - ChunkHeaderDescriptor.LENGTH;
        final long beyond = heap.allocate(halfGib);
        assertEquals(2 * GIB + ChunkHeaderDescriptor.LENGTH, beyond, "in the third segment, past offset 2^31");
        assertEquals(CAPACITY - 1, beyond + halfGib - 1, "its last byte is the file's last byte");
        addresses.add(beyond);
        sizes.add(halfGib);

        for (int i = 0; i < addresses.size(); i++)
        {
            final long address = addresses.get(i);
            final long size = sizes.get(i);
            assertEquals(0, address & 15);
            final ChunkInfo info = heap.chunk(address);
            assertEquals(address, info.address());
            assertEquals(SizeClasses.classFor(size), info.sizeClass());
            assertEquals(size, info.requestedSize());
            assertTrue(info.isAllocated());
            final long lastByteOfChunk = info.chunkOffset() + info.chunkSize() - 1;
            assertEquals(address >>> SizeClasses.SEGMENT_SHIFT, lastByteOfChunk >>> SizeClasses.SEGMENT_SHIFT,
                "0x" + Long.toHexString(address) + " straddles a segment edge");
            writeAndCheckEnds(heap, address, size);
            if (size > 0)
            {
                assertEquals(address, heap.chunk(address + size - 1).address(), "the last byte maps back to its chunk");
            }
        }
        assertThrows(HeapExhaustedException.class, () -> heap.allocate(100_000), "every page is taken");

        final HeapSummary summary = heap.summary();
        assertEquals(addresses.size(), summary.allocatedChunks());
        assertEquals(GIB - endOfFirstRuns, summary.skippedBytes(), "the tail of the first segment is skipped");
        assertEquals(CAPACITY - summary.dataOffset(), summary.usedBytes());
        final ClassSummary top = summary.classes().get(summary.classes().size() - 1);
        assertEquals(GIB >>> SizeClasses.PAGE_SHIFT, top.pages());
        assertEquals(summary, HeapReader.open(path).summary(), "a reader maps the three segments too");
        assertEquals(List.of(), heap.leaks());

        // A second mapping of the file sees the far bytes; a free and a reuse beyond 2^31 work.
        final SharedHeap again = TestHeaps.open(path, CAPACITY);
        assertEquals(heap.getLong(beyond + halfGib - 8), again.getLong(beyond + halfGib - 8));
        again.free(beyond);
        assertThrows(DoubleFreeException.class, () -> heap.free(beyond));
        assertThrows(UseAfterFreeException.class, () -> heap.checked().getByte(beyond + halfGib - 1));
        assertEquals(beyond, heap.allocate(halfGib - 1000));
        assertEquals(2, heap.generation(beyond + halfGib - 1));
        heap.free(largest);
        assertEquals(largest, again.allocate(SharedHeap.maxAllocation()));
        writeAndCheckEnds(again, largest, SharedHeap.maxAllocation());
    }
}
