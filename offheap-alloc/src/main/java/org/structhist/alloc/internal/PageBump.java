package org.structhist.alloc.internal;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.format.PageTableDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;

/**
 * Hands out never-used pages from the end of the used part of the file (one CAS on the header's page
 * bump) and carves them into chunks of a class: the page table entries first, then every chunk header
 * marked free and linked, then all but the first chunk published on the class's free list in one push.
 * Pages are never given back (a slab allocator's trade: no coalescing, no fragmentation bookkeeping).
 * A run never straddles a 1 GiB mapping segment; the tail skipped to avoid that is counted.
 */
public final class PageBump
{
    /** What {@link #refill} returns when the header's Page Bump is no page offset in the data, or keeps changing. */
    public static final long CORRUPT = -2;

    private final HeapMemory memory;
    private final HeapLayout layout;
    private final FreeLists freeLists;

    public PageBump(final HeapMemory memory, final HeapLayout layout, final FreeLists freeLists)
    {
        this.memory = memory;
        this.layout = layout;
        this.freeLists = freeLists;
    }

    /**
     * Carves a fresh run for {@code sizeClass}, keeps its first chunk for the caller (state still free)
     * and publishes the rest; the kept chunk's index, 0 when the file has no pages left, or
     * {@link #CORRUPT}.
     */
    public long refill(final int sizeClass)
    {
        final int pages = SizeClasses.runPages(sizeClass);
        final long start = takeRun((long)pages << SizeClasses.PAGE_SHIFT);
        if (start <= 0)
        {
            return start == 0 ? 0 : CORRUPT;
        }
        for (int k = pages - 1; k >= 1; k--)
        {
            memory.putInt(layout.pageEntryOffset(start + ((long)k << SizeClasses.PAGE_SHIFT)), -k);
        }
        memory.putIntRelease(layout.pageEntryOffset(start), PageTableDescriptor.firstPageEntry(sizeClass));
        final long chunkSize = SizeClasses.chunkSize(sizeClass);
        final int chunks = SizeClasses.isSmall(sizeClass) ? (int)(SizeClasses.PAGE_SIZE / chunkSize) : 1;
        final long free = ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_FREE, sizeClass, 0);
        for (int i = 0; i < chunks; i++)
        {
            final long chunk = start + i * chunkSize;
            memory.putLong(chunk + ChunkHeaderDescriptor.NEXT_OFFSET,
                i + 1 < chunks ? TaggedIndex.indexOf(chunk + chunkSize) : 0);
            memory.putLong(chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET, free);
        }
        if (chunks > 1)
        {
            freeLists.pushChain(sizeClass, TaggedIndex.indexOf(start + chunkSize),
                TaggedIndex.indexOf(start + (chunks - 1) * chunkSize));
        }
        return TaggedIndex.indexOf(start);
    }

    /**
     * Claims {@code bytes} of never-used file by CAS; the run's offset, 0 when they are not there, or
     * {@link #CORRUPT} when the bump is no page offset in the data (a run from it would overwrite the
     * header or page table) or kept changing under it.
     */
    private long takeRun(final long bytes)
    {
        for (int attempt = 0; attempt < WriterLimits.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long current = memory.getLongVolatile(HeapHeaderDescriptor.PAGE_BUMP_OFFSET);
            if (!WriterLimits.isPageBump(current, layout))
            {
                return CORRUPT;
            }
            long start = current;
            if (start >>> SizeClasses.SEGMENT_SHIFT != (start + bytes - 1) >>> SizeClasses.SEGMENT_SHIFT)
            {
                start = (start >>> SizeClasses.SEGMENT_SHIFT) + 1 << SizeClasses.SEGMENT_SHIFT;
            }
            final long end = start + bytes;
            if (end > layout.fileLength)
            {
                return 0;
            }
            if (memory.compareAndSetLong(HeapHeaderDescriptor.PAGE_BUMP_OFFSET, current, end))
            {
                if (start != current)
                {
                    memory.getAndAddLong(HeapHeaderDescriptor.BYTES_SKIPPED_OFFSET, start - current);
                }
                return start;
            }
        }
        return CORRUPT;
    }
}
