package org.structhist.alloc.internal;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.TaggedIndex;

/**
 * One Treiber stack of free chunks per size class, in the mapped file, shared by every thread of every
 * process. The head is a {@link TaggedIndex} (ABA-safe); a chunk's link lives in its header, which
 * users never write. A process killed at any instruction leaves every list well formed: a push is
 * invisible until its one CAS, a pop complete at its one CAS (a popper killed just after it loses
 * that one chunk, which then is in no list and not allocated).
 * <p>
 * The head is read from the file, so a pop checks the index it finds before it reads that chunk's
 * Next: a head that is no chunk of the class (written from outside) makes the pop return
 * {@link #CORRUPT} instead of reading or handing out memory that is not a chunk.
 */
public final class FreeLists
{
    /** What {@link #pop} returns when the head is not a chunk of its class, or keeps changing. */
    public static final long CORRUPT = -1;

    /** Whether a chunk index read from the file is a chunk of a size class. */
    @FunctionalInterface
    public interface ChunkCheck
    {
        boolean isChunk(long index, int sizeClass);
    }

    private final HeapMemory memory;
    private final ChunkCheck check;

    /** Lists whose pops check only that the chunk's header lies in the mapping (no page table: test fixtures). */
    public FreeLists(final HeapMemory memory)
    {
        this(memory, (index, sizeClass) ->
            index > 0 && TaggedIndex.offsetOf(index) + ChunkHeaderDescriptor.LENGTH <= memory.length());
    }

    public FreeLists(final HeapMemory memory, final ChunkCheck check)
    {
        this.memory = memory;
        this.check = check;
    }

    /** A check against the heap's page table: the index must be a chunk of exactly that class. */
    public static ChunkCheck pageTableCheck(final ChunkLocator locator)
    {
        return (index, sizeClass) -> locator.isChunk(TaggedIndex.offsetOf(index), sizeClass);
    }

    private static long headOffset(final int sizeClass)
    {
        return SizeClassDescriptor.entryOffset(sizeClass) + SizeClassDescriptor.FREE_HEAD_OFFSET;
    }

    /** Takes a chunk off the class's list; its index, 0 when the list is empty, or {@link #CORRUPT}. */
    public long pop(final int sizeClass)
    {
        final long headOffset = headOffset(sizeClass);
        for (int attempt = 0; attempt < WriterLimits.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long head = memory.getLongVolatile(headOffset);
            final long index = TaggedIndex.index(head);
            if (index == 0)
            {
                return 0;
            }
            if (!check.isChunk(index, sizeClass))
            {
                return CORRUPT;
            }
            // The chunk may be popped, allocated and even pushed back by others meanwhile: then this next
            // is stale, but the head's tag has moved on and the CAS below fails.
            final long next = memory.getLongVolatile(TaggedIndex.offsetOf(index) + ChunkHeaderDescriptor.NEXT_OFFSET);
            if (memory.compareAndSetLong(headOffset, head, TaggedIndex.next(head, next & TaggedIndex.INDEX_MASK)))
            {
                return index;
            }
        }
        return CORRUPT;
    }

    public void push(final int sizeClass, final long index)
    {
        pushChain(sizeClass, index, index);
    }

    /**
     * Pushes chunks already linked first..last through their Next fields, with one CAS. Returns false
     * if the head kept changing under it for {@link WriterLimits#MAX_CAS_ATTEMPTS} rounds: the chunks
     * are then lost to the heap (a leak), which beats spinning for ever on a word someone else owns.
     */
    public boolean pushChain(final int sizeClass, final long first, final long last)
    {
        final long headOffset = headOffset(sizeClass);
        final long lastNext = TaggedIndex.offsetOf(last) + ChunkHeaderDescriptor.NEXT_OFFSET;
        for (int attempt = 0; attempt < WriterLimits.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long head = memory.getLongVolatile(headOffset);
            memory.putLong(lastNext, TaggedIndex.index(head)); // published by the CAS's full fence
            if (memory.compareAndSetLong(headOffset, head, TaggedIndex.next(head, first)))
            {
                return true;
            }
        }
        return false;
    }

    /** The chunk at the top of the list (index), for readers; 0 when empty. */
    public long peek(final int sizeClass)
    {
        return TaggedIndex.index(memory.getLongVolatile(headOffset(sizeClass)));
    }
}
