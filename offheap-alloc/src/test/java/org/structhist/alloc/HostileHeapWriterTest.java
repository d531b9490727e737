package org.structhist.alloc;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;
import org.structhist.alloc.format.HeapMemory;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The allocator never trusts the heap file (DESIGN.md invariant 10): a free-list head, a chunk's Next,
 * the page bump, a quarantine entry or a chunk's size class written from outside makes allocate or free
 * throw one HeapException sentence (or, for a quarantine entry, be dropped and counted), and never hands
 * out, links or writes memory that is not a chunk of the right class. Each case compares the file before
 * and after, so it fails with {@code -Dagrona.disable.bounds.checks=true} too, where a bad offset is a
 * silent write rather than an exception (surefire runs this class a second time that way).
 */
class HostileHeapWriterTest
{
    private static final long CAPACITY = 1L << 20;

    @TempDir
    Path dir;

    private static byte[] snapshot(final HeapMemory memory)
    {
        final byte[] bytes = new byte[(int)memory.length()];
        memory.getBytes(0, bytes, 0, bytes.length);
        return bytes;
    }

    private static void assertUnchangedOutside(final byte[] before, final HeapMemory memory, final long... allowed)
    {
        final byte[] now = snapshot(memory);
        for (int i = 0; i < before.length; i++)
        {
            boolean inAllowed = false;
            for (int r = 0; r < allowed.length; r += 2)
            {
                inAllowed |= i >= allowed[r] && i < allowed[r + 1];
            }
            if (!inAllowed && before[i] != now[i])
            {
                fail("byte " + i + " of the heap changed (" + before[i] + " -> " + now[i] + ")");
            }
        }
    }

    private static long head(final int sizeClass)
    {
        return SizeClassDescriptor.entryOffset(sizeClass) + SizeClassDescriptor.FREE_HEAD_OFFSET;
    }

    @Test
    void boundsChecksAreWhatThisRunAskedFor()
    {
        assertEquals(!Boolean.getBoolean(UnsafeBuffer.DISABLE_BOUNDS_CHECKS_PROP_NAME),
            UnsafeBuffer.SHOULD_BOUNDS_CHECK);
    }

    @Test
    void aFreeListHeadThatIsNoChunkOfItsClassIsRefused()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("head.heap"), CAPACITY);
        final HeapMemory memory = heap.memory();
        heap.free(heap.allocate(16)); // carves a page of the class and leaves chunks on its list
        final int sizeClass = SizeClasses.classFor(16);
        final long honest = memory.getLongVolatile(head(sizeClass));
        final long dataOffset = heap.reader().dataOffset();
        final long[] hostile = {
            TaggedIndex.indexOf(0), // "empty" is fine: allocate refills
            TaggedIndex.indexOf(64), TaggedIndex.indexOf(HeapHeaderDescriptor.CLASS_TABLE_OFFSET),
            TaggedIndex.indexOf(dataOffset - 64), TaggedIndex.indexOf(TaggedIndex.offsetOf(honest) + 16),
            TaggedIndex.indexOf(CAPACITY), TaggedIndex.INDEX_MASK,
            TaggedIndex.indexOf(TaggedIndex.offsetOf(TaggedIndex.index(honest)) + SizeClasses.PAGE_SIZE)};
        for (int i = 1; i < hostile.length; i++)
        {
            memory.putLongRelease(head(sizeClass), TaggedIndex.next(honest, hostile[i]));
            final byte[] before = snapshot(memory);
            final HeapException ex = assertThrows(HeapException.class, () -> heap.allocate(16),
                "head index " + hostile[i]);
            assertTrue(ex.getMessage().contains("free list"), ex.getMessage());
            assertUnchangedOutside(before, memory);
        }
        memory.putLongRelease(head(sizeClass), honest);
        assertTrue(heap.allocate(16) > dataOffset, "a sound head allocates again");
    }

    @Test
    void aChunkWhoseNextIsNoChunkStopsTheNextAllocation()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("next.heap"), CAPACITY);
        final HeapMemory memory = heap.memory();
        heap.free(heap.allocate(16));
        final int sizeClass = SizeClasses.classFor(16);
        final long top = TaggedIndex.offsetOf(TaggedIndex.index(memory.getLongVolatile(head(sizeClass))));
        memory.putLongRelease(top + ChunkHeaderDescriptor.NEXT_OFFSET,
            TaggedIndex.indexOf(HeapHeaderDescriptor.PAGE_BUMP_OFFSET));
        assertEquals(top + ChunkHeaderDescriptor.LENGTH, heap.allocate(16), "the top chunk itself is sound");
        final byte[] before = snapshot(memory);
        assertThrows(HeapException.class, () -> heap.allocate(16));
        assertUnchangedOutside(before, memory);
    }

    @Test
    void aPageBumpOutsideTheDataIsRefused()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("bump.heap"), CAPACITY);
        final HeapMemory memory = heap.memory();
        final long honest = memory.getLongVolatile(HeapHeaderDescriptor.PAGE_BUMP_OFFSET);
        for (final long hostile : new long[] {0, SizeClasses.PAGE_SIZE, honest - SizeClasses.PAGE_SIZE, honest + 8,
            -SizeClasses.PAGE_SIZE, Long.MIN_VALUE, CAPACITY + SizeClasses.PAGE_SIZE})
        {
            memory.putLongRelease(HeapHeaderDescriptor.PAGE_BUMP_OFFSET, hostile);
            final byte[] before = snapshot(memory);
            final HeapException ex = assertThrows(HeapException.class, () -> heap.allocate(100), "bump " + hostile);
            assertTrue(ex.getMessage().contains("page bump"), ex.getMessage());
            assertUnchangedOutside(before, memory);
        }
        memory.putLongRelease(HeapHeaderDescriptor.PAGE_BUMP_OFFSET, honest);
        heap.allocate(100);
    }

    @Test
    void aChunkWhoseClassDisagreesWithItsPageIsNotFreed()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("class.heap"), CAPACITY);
        final HeapMemory memory = heap.memory();
        final long address = heap.allocate(16);
        final long stateOffset = address - ChunkHeaderDescriptor.LENGTH + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        final long word = memory.getLongVolatile(stateOffset);
        for (final int hostileClass : new int[] {SizeClasses.count() - 1, SizeClasses.count(), 255})
        {
            memory.putLongRelease(stateOffset, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_ALLOCATED,
                hostileClass, ChunkHeaderDescriptor.generation(word)));
            final byte[] before = snapshot(memory);
            assertThrows(HeapException.class, () -> heap.free(address), "class " + hostileClass);
            assertUnchangedOutside(before, memory);
        }
        memory.putLongRelease(stateOffset, word);
        heap.free(address);
    }

    @Test
    void quarantineEntriesThatAreNoQuarantinedChunkAreDroppedAndCounted()
    {
        final int slots = 16;
        final SharedHeap heap = SharedHeap.open(dir.resolve("ring.heap"),
            TestHeaps.options(CAPACITY).quarantineBytes(1 << 30).quarantineSlots(slots));
        final HeapMemory memory = heap.memory();
        final long ring = heap.reader().dataOffset() - SizeClasses.PAGE_SIZE; // one page of ring for 16 slots
        final long victim = heap.allocate(16);
        final long[] hostile = {TaggedIndex.indexOf(64), TaggedIndex.indexOf(HeapHeaderDescriptor.PAGE_BUMP_OFFSET),
            TaggedIndex.INDEX_MASK, -1, TaggedIndex.indexOf(victim - ChunkHeaderDescriptor.LENGTH)};
        for (int i = 0; i < slots; i++)
        {
            memory.putLongRelease(ring + i * 8L, hostile[i % hostile.length]);
        }
        // A full ring: the next frees lap it, and each lapped slot's entry is released.
        memory.putLongRelease(HeapHeaderDescriptor.QUARANTINE_TAIL_OFFSET, slots);
        final long[] freed = new long[slots];
        for (int i = 0; i < slots; i++)
        {
            freed[i] = heap.allocate(32);
        }
        final long pageTable = SizeClasses.PAGE_SIZE;
        final byte[] before = snapshot(memory);
        for (final long address : freed)
        {
            heap.free(address);
        }
        assertEquals(slots, heap.quarantineEntriesRefused(), "every hostile entry, the allocated victim's too");
        // The page table, the header's class table, and the victim, are as they were.
        assertUnchangedOutside(before, memory, 0, HeapHeaderDescriptor.CLASS_TABLE_OFFSET, ring, ring + slots * 8,
            freed[0] - ChunkHeaderDescriptor.LENGTH, freed[slots - 1] + 64);
        assertTrue(pageTable < ring);
        heap.checkLive(victim);
        heap.free(victim);
    }

    @Test
    void aRequestedSizeBeyondItsChunkDoesNotStretchCheckedAccess()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("size.heap"), CAPACITY);
        final long address = heap.allocate(16);
        assertThrows(IndexOutOfBoundsException.class, () -> heap.checked().getLong(address + 12), "past the 16 bytes");
        heap.memory().putInt(address - ChunkHeaderDescriptor.LENGTH + ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET,
            Integer.MAX_VALUE);
        // The 8 bytes at +12 run into the next chunk's header: a size no chunk of its class has is refused.
        assertThrows(UseAfterFreeException.class, () -> heap.checked().getLong(address + 12));
    }
}
