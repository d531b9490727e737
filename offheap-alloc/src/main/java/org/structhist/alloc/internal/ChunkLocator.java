package org.structhist.alloc.internal;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.format.SizeClasses;

/**
 * Finds the chunk that holds an address through the page table alone, bounds-checked at every step, so
 * it is safe on a corrupt or hostile file and never trusts a free list.
 */
public final class ChunkLocator
{
    /** What {@link #chunkOf} returns for an address no chunk holds. */
    public static final long NONE = -1;

    private final HeapMemory memory;
    private final HeapLayout layout;

    public ChunkLocator(final HeapMemory memory, final HeapLayout layout)
    {
        this.memory = memory;
        this.layout = layout;
    }

    /** The offset of the chunk (its header) that {@code address} falls in, or {@link #NONE}. */
    public long chunkOf(final long address)
    {
        final long runStart = runStartOf(address);
        if (runStart == NONE)
        {
            return NONE;
        }
        final int sizeClass = memory.getIntVolatile(layout.pageEntryOffset(runStart)) - 1;
        if (sizeClass < 0 || sizeClass >= SizeClasses.count())
        {
            return NONE; // changed since runStartOf read it: only a hostile writer does that
        }
        final long runEnd = runStart + ((long)SizeClasses.runPages(sizeClass) << SizeClasses.PAGE_SHIFT);
        if (address >= runEnd || runEnd > layout.fileLength)
        {
            return NONE;
        }
        if (!SizeClasses.isSmall(sizeClass))
        {
            return runStart;
        }
        final long chunkSize = SizeClasses.chunkSize(sizeClass);
        final long i = (address - runStart) / chunkSize;
        return i < SizeClasses.PAGE_SIZE / chunkSize ? runStart + i * chunkSize : NONE;
    }

    /**
     * The size class of the run that holds {@code address} according to the page table, or -1 when the
     * address is outside the data or its page belongs to no run.
     */
    public int sizeClassAt(final long address)
    {
        final long runStart = runStartOf(address);
        if (runStart == NONE)
        {
            return -1;
        }
        final int sizeClass = memory.getIntVolatile(layout.pageEntryOffset(runStart)) - 1;
        return sizeClass >= 0 && sizeClass < SizeClasses.count() ? sizeClass : -1;
    }

    /**
     * Whether {@code chunk} is the header offset of a chunk of class {@code sizeClass}: what a free-list
     * head, a chunk's Next and a quarantine entry must be before anyone reads the chunk's header.
     */
    public boolean isChunk(final long chunk, final int sizeClass)
    {
        return chunkOf(chunk + ChunkHeaderDescriptor.LENGTH) == chunk && sizeClassAt(chunk) == sizeClass;
    }

    /** The first page of the run holding {@code address}, bounds-checked at every step; {@link #NONE} if none. */
    private long runStartOf(final long address)
    {
        if (address < layout.dataOffset || address >= layout.fileLength)
        {
            return NONE;
        }
        long page = address >>> SizeClasses.PAGE_SHIFT;
        int entry = memory.getIntVolatile(layout.pageEntryOffset(address));
        if (entry < 0)
        {
            page += entry;
            if (page < layout.dataOffset >>> SizeClasses.PAGE_SHIFT)
            {
                return NONE;
            }
            entry = memory.getIntVolatile(layout.pageTableOffset + page * 4);
        }
        final int sizeClass = entry - 1;
        return sizeClass < 0 || sizeClass >= SizeClasses.count() ? NONE : page << SizeClasses.PAGE_SHIFT;
    }
}
