package org.structhist.alloc.internal;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Freed chunks wait here, oldest out first, before they become free: a ring of chunk indexes in the file
 * with a tail (frees ever entered) and a head (entries ever evicted), both claimed by atomic add / CAS,
 * and a byte count. A free takes a tail position and swaps its chunk into that slot; a free whose
 * position laps the oldest entry (more chunks than slots) first moves the head past it, and its swap
 * releases that entry. Then, while the quarantine holds more bytes than its budget, whoever frees evicts
 * at the head. Every entry leaves the ring by one atomic swap, so each is released exactly once, even
 * when racing evictors see entries slightly out of order. A process killed between taking a position and
 * storing its chunk leaves that chunk quarantined for good (a lost chunk, never a chunk handed out twice).
 */
public final class Quarantine
{
    private final HeapMemory memory;
    private final HeapLayout layout;
    private final FreeLists freeLists;
    private final ChunkLocator locator;
    private final long mask;
    /** Ring entries that were no quarantined chunk (written from outside): dropped, counted in process memory. */
    private final AtomicLong entriesRefused = new AtomicLong();

    public Quarantine(
        final HeapMemory memory, final HeapLayout layout, final FreeLists freeLists, final ChunkLocator locator)
    {
        this.memory = memory;
        this.layout = layout;
        this.freeLists = freeLists;
        this.locator = locator;
        this.mask = layout.quarantineSlots - 1;
    }

    /** Ring entries dropped because they were not a quarantined chunk (see {@link #release}). */
    public long entriesRefused()
    {
        return entriesRefused.get();
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
        // With the ring full, this position's slot still holds the entry of position - slots, which the
        // head has not passed. Move the head past it before taking the slot: the swap below releases
        // that entry, and an evictor at the head would otherwise swap out (release) the chunk stored here
        // instead. Without this, once the ring had filled by count every free was released at once.
        skipHeadTo(position + 1 - layout.quarantineSlots);
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

    /**
     * Moves the head to {@code position} if it is behind. The positions it skips need no eviction: the
     * slot of each is taken by a position up to this adder's, whose swap releases what it still holds.
     */
    private void skipHeadTo(final long position)
    {
        for (int attempt = 0; attempt < WriterLimits.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long head = memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINE_HEAD_OFFSET);
            if (head >= position ||
                memory.compareAndSetLong(HeapHeaderDescriptor.QUARANTINE_HEAD_OFFSET, head, position))
            {
                return;
            }
        }
    }

    private void trim(final boolean all)
    {
        // Each round evicts one entry or loses a CAS: a ring's worth of evictions plus the CAS bound ends it
        // even when head, tail and byte count come from a hostile file (a tail 2^62 ahead, say).
        final long rounds = layout.quarantineSlots + (long)WriterLimits.MAX_CAS_ATTEMPTS;
        for (long round = 0; round < rounds; round++)
        {
            final long head = memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINE_HEAD_OFFSET);
            final long tail = memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINE_TAIL_OFFSET);
            if (head >= tail)
            {
                return;
            }
            // Over the budget only: add keeps the count within the slots itself. An eviction for the count
            // here would race the add that laps the head's slot, and could swap out that add's chunk.
            final boolean over = all ||
                memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET) > layout.quarantineBudget;
            if (!over)
            {
                return;
            }
            if (memory.compareAndSetLong(HeapHeaderDescriptor.QUARANTINE_HEAD_OFFSET, head, head + 1))
            {
                final long evicted = memory.getAndSetLong(slot(head), 0);
                if (evicted != 0) // 0: its freer has not stored it yet; the ring's next lap releases it
                {
                    release(evicted);
                }
            }
        }
    }

    /**
     * Makes a chunk that left the ring free. The index came from the file: unless it is a chunk whose
     * header says QUARANTINED, of the class its page says, it is dropped and counted, never pushed (a
     * wrong class would link it into another class's list, a non-chunk would be handed out).
     */
    private void release(final long index)
    {
        final long chunk = TaggedIndex.offsetOf(index);
        final int sizeClass = locator.sizeClassAt(chunk);
        if (sizeClass < 0 || !locator.isChunk(chunk, sizeClass))
        {
            entriesRefused.getAndIncrement();
            return;
        }
        final long stateOffset = chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        final long word = memory.getLongVolatile(stateOffset);
        if (ChunkHeaderDescriptor.state(word) != ChunkHeaderDescriptor.STATE_QUARANTINED ||
            ChunkHeaderDescriptor.sizeClass(word) != sizeClass)
        {
            entriesRefused.getAndIncrement();
            return;
        }
        memory.getAndAddLong(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET, -SizeClasses.chunkSize(sizeClass));
        memory.putLongRelease(stateOffset, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_FREE, sizeClass,
            ChunkHeaderDescriptor.generation(word)));
        freeLists.push(sizeClass, index);
    }
}
