package org.structhist.alloc.internal;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.TaggedIndex;

/**
 * One Treiber stack of free chunks per size class, in the mapped file, shared by every thread of every
 * process. The head is a {@link TaggedIndex} (ABA-safe); a chunk's link lives in its header, which
 * users never write. A process killed at any instruction leaves every list well formed: a push is
 * invisible until its one CAS, a pop complete at its one CAS (a popper killed just after it loses
 * that one chunk, which then is in no list and not allocated).
 */
public final class FreeLists
{
    private final HeapMemory memory;

    public FreeLists(final HeapMemory memory)
    {
        this.memory = memory;
    }

    private static long headOffset(final int sizeClass)
    {
        return SizeClassDescriptor.entryOffset(sizeClass) + SizeClassDescriptor.FREE_HEAD_OFFSET;
    }

    /** Takes a chunk off the class's list; its index, or 0 when the list is empty. */
    public long pop(final int sizeClass)
    {
        final long headOffset = headOffset(sizeClass);
        while (true)
        {
            final long head = memory.getLongVolatile(headOffset);
            final long index = TaggedIndex.index(head);
            if (index == 0)
            {
                return 0;
            }
            // The chunk may be popped, allocated and even pushed back by others meanwhile: then this next
            // is stale, but the head's tag has moved on and the CAS below fails.
            final long next = memory.getLongVolatile(TaggedIndex.offsetOf(index) + ChunkHeaderDescriptor.NEXT_OFFSET);
            if (memory.compareAndSetLong(headOffset, head, TaggedIndex.next(head, next & TaggedIndex.INDEX_MASK)))
            {
                return index;
            }
        }
    }

    public void push(final int sizeClass, final long index)
    {
        pushChain(sizeClass, index, index);
    }

    /** Pushes chunks already linked first..last through their Next fields, with one CAS. */
    public void pushChain(final int sizeClass, final long first, final long last)
    {
        final long headOffset = headOffset(sizeClass);
        final long lastNext = TaggedIndex.offsetOf(last) + ChunkHeaderDescriptor.NEXT_OFFSET;
        while (true)
        {
            final long head = memory.getLongVolatile(headOffset);
            memory.putLong(lastNext, TaggedIndex.index(head)); // published by the CAS's full fence
            if (memory.compareAndSetLong(headOffset, head, TaggedIndex.next(head, first)))
            {
                return;
            }
        }
    }

    /** The chunk at the top of the list (index), for readers; 0 when empty. */
    public long peek(final int sizeClass)
    {
        return TaggedIndex.index(memory.getLongVolatile(headOffset(sizeClass)));
    }
}
