package org.structhist.alloc.internal;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;

/**
 * Freed chunks wait here, oldest out first, before they become free: a ring of chunk indexes in the file
 * with a tail (frees ever entered) and a head (entries ever evicted), both claimed by atomic add / CAS,
 * and a byte count. A free takes a tail position and swaps its chunk into that slot; then, while the
 * quarantine holds more bytes than its budget or more chunks than its slots, whoever frees evicts at the
 * head. Every entry leaves the ring by one atomic swap, so each is released exactly once, even when
 * racing evictors see entries slightly out of order. A process killed between taking a position and
 * storing its chunk leaves that chunk quarantined for good (a lost chunk, never a chunk handed out twice).
 */
public final class Quarantine
{
    private final HeapMemory memory;
    private final HeapLayout layout;
    private final FreeLists freeLists;
    private final long mask;

    public Quarantine(final HeapMemory memory, final HeapLayout layout, final FreeLists freeLists)
    {
        this.memory = memory;
        this.layout = layout;
        this.freeLists = freeLists;
        this.mask = layout.quarantineSlots - 1;
    }

    private long slot(final long position)
    {
        return layout.quarantineRingOffset + (position & mask) * 8;
    }

    /** Holds back a chunk its caller moved to QUARANTINED. */
    public void add(final long index, final long chunkSize)
    {
        final long position = memory.getAndAddLong(HeapHeaderDescriptor.QUARANTINE_TAIL_OFFSET, 1);
        memory.getAndAddLong(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET, chunkSize);
        final long displaced = memory.getAndSetLong(slot(position), index);
        if (displaced != 0)
        {
            release(displaced); // the ring lapped a slot an evictor had not emptied yet
        }
        trim(false);
    }

    /**
     * Releases everything the quarantine holds (entries whose freer has not stored them yet excepted):
     * what a heap that is out of memory does before it gives up, trading use-after-free detection for
     * the allocation. Returns whether anything was released.
     */
    public boolean drain()
    {
        final long before = memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET);
        trim(true);
        return memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET) < before;
    }

    private void trim(final boolean all)
    {
        while (true)
        {
            final long head = memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINE_HEAD_OFFSET);
            final long tail = memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINE_TAIL_OFFSET);
            if (head >= tail)
            {
                return;
            }
            final boolean over = all || tail - head > layout.quarantineSlots ||
                memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET) > layout.quarantineBudget;
            if (!over)
            {
                return;
            }
            if (memory.compareAndSetLong(HeapHeaderDescriptor.QUARANTINE_HEAD_OFFSET, head, head + 1) &&
                memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINE_TAIL_OFFSET) - head <= layout.quarantineSlots)
            {
                // Only while the ring is not lapped: once position head + slots is taken, head's slot is
                // that position's too, and its freer swaps head's chunk out (released as displaced in add)
                // and its own chunk in. Swapping here would take that newest chunk and release it at once,
                // so every free past a full ring went unquarantined. (A freer taking head + slots between
                // the tail read above and this swap can still lose its chunk's wait: a race, not a rule.)
                final long evicted = memory.getAndSetLong(slot(head), 0);
                if (evicted != 0) // 0: its freer has not stored it yet; the ring's next lap releases it
                {
                    release(evicted);
                }
            }
        }
    }

    private void release(final long index)
    {
        final long stateOffset = TaggedIndex.offsetOf(index) + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        final long word = memory.getLongVolatile(stateOffset);
        final int sizeClass = ChunkHeaderDescriptor.sizeClass(word);
        memory.getAndAddLong(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET, -SizeClasses.chunkSize(sizeClass));
        memory.putLongRelease(stateOffset, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_FREE, sizeClass,
            ChunkHeaderDescriptor.generation(word)));
        freeLists.push(sizeClass, index);
    }
}
