package org.structhist.alloc.internal;

import org.structhist.alloc.format.HeapLayout;
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
        if (sizeClass < 0 || sizeClass >= SizeClasses.count())
        {
            return NONE;
        }
        final long runStart = page << SizeClasses.PAGE_SHIFT;
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
}
