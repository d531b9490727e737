package org.structhist.alloc.reader;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;
import org.structhist.alloc.internal.ChunkLocator;
import org.structhist.alloc.internal.HeapFile;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.internal.ProcessTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a heap file, live or left by dead processes, without writing to it: chunk headers, a summary
 * per size class, and the leak report. It walks the page table, never a free list, and bounds every
 * offset it reads by the file's length, so a corrupt file gives wrong-looking chunks or a
 * {@link org.structhist.alloc.format.HeapFormatException}, never a hang or an exception of another kind.
 */
public final class HeapReader
{
    private final Path path;
    private final HeapMemory memory;
    private final HeapLayout layout;
    private final ChunkLocator locator;
    private final ProcessTable processes;

    public HeapReader(final Path path, final HeapMemory memory, final HeapLayout layout)
    {
        this.path = path;
        this.memory = memory;
        this.layout = layout;
        this.locator = new ChunkLocator(memory, layout);
        this.processes = new ProcessTable(memory);
    }

    /**
     * Maps {@code path} read-only.
     *
     * @throws org.structhist.alloc.format.HeapFormatException if it is not a heap file this code reads.
     * @throws org.structhist.alloc.HeapException if it cannot be opened.
     */
    public static HeapReader open(final Path path)
    {
        final HeapFile file = HeapFile.openReadOnly(path);
        return new HeapReader(path, file.memory, file.layout);
    }

    public Path path()
    {
        return path;
    }

    public long capacity()
    {
        return layout.fileLength;
    }

    /** Where chunk pages start: offsets below are the header, the page table and the quarantine ring. */
    public long dataOffset()
    {
        return layout.dataOffset;
    }

    /**
     * Copies {@code length} bytes from {@code address} into {@code into}, byte by byte (a range in a
     * corrupt file may straddle two 1 GiB mapping segments).
     *
     * @throws IndexOutOfBoundsException if the range is not inside the file.
     */
    public void bytes(final long address, final byte[] into, final int length)
    {
        if (address < 0 || length < 0 || length > into.length || address > layout.fileLength - length)
        {
            throw new IndexOutOfBoundsException(length + " bytes at 0x" + Long.toHexString(address) +
                " are not inside the " + layout.fileLength + "-byte heap file");
        }
        for (int i = 0; i < length; i++)
        {
            into[i] = memory.getByte(address + i);
        }
    }

    public boolean poisons()
    {
        return layout.poison;
    }

    public long quarantineBudget()
    {
        return layout.quarantineBudget;
    }

    public int quarantineSlots()
    {
        return layout.quarantineSlots;
    }

    public long creatorPid()
    {
        return memory.getLong(HeapHeaderDescriptor.CREATOR_PID_OFFSET);
    }

    public long createdAtNanos()
    {
        return memory.getLong(HeapHeaderDescriptor.CREATED_AT_OFFSET);
    }

    /** Whether {@code pid} runs now (and is the process that registered under it, by start time). */
    public boolean isAlive(final long pid)
    {
        return processes.isAlive(pid);
    }

    /** The chunk holding {@code address} (its payload or header), or null if no chunk does. */
    public ChunkInfo chunkAt(final long address)
    {
        final long chunk = locator.chunkOf(address);
        return chunk == ChunkLocator.NONE ? null : read(chunk);
    }

    private ChunkInfo read(final long chunk)
    {
        final long word = memory.getLongVolatile(chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET);
        final int sizeClass = ChunkHeaderDescriptor.sizeClass(word);
        return new ChunkInfo(chunk + ChunkHeaderDescriptor.LENGTH, chunk, ChunkHeaderDescriptor.state(word), sizeClass,
            sizeClass < SizeClasses.count() ? SizeClasses.chunkSize(sizeClass) : 0,
            memory.getInt(chunk + ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET), ChunkHeaderDescriptor.generation(word),
            memory.getInt(chunk + ChunkHeaderDescriptor.OWNER_PID_OFFSET) & 0xFFFF_FFFFL,
            memory.getLong(chunk + ChunkHeaderDescriptor.ALLOCATED_AT_OFFSET),
            memory.getLong(chunk + ChunkHeaderDescriptor.HISTORY_HANDLE_OFFSET),
            memory.getInt(chunk + ChunkHeaderDescriptor.FREED_BY_PID_OFFSET) & 0xFFFF_FFFFL);
    }

    private long usedEnd()
    {
        final long bump = memory.getLongVolatile(HeapHeaderDescriptor.PAGE_BUMP_OFFSET);
        return Math.max(layout.dataOffset, Math.min(bump, layout.fileLength));
    }

    /** Every carved chunk, in file order; returns the pages whose table entry names no class. */
    public long forEachChunk(final Consumer<ChunkInfo> action)
    {
        final long end = usedEnd();
        long corrupt = 0;
        long page = layout.dataOffset;
        while (page < end)
        {
            final int entry = memory.getIntVolatile(layout.pageEntryOffset(page));
            final int sizeClass = entry - 1;
            if (entry == 0)
            {
                page += SizeClasses.PAGE_SIZE; // a tail skipped at a segment edge
                continue;
            }
            if (sizeClass < 0 || sizeClass >= SizeClasses.count())
            {
                if (!isAbandonedContinuation(page, entry))
                {
                    corrupt++;
                }
                page += SizeClasses.PAGE_SIZE;
                continue;
            }
            final long chunkSize = SizeClasses.chunkSize(sizeClass);
            final long runEnd = Math.min(end, page + ((long)SizeClasses.runPages(sizeClass) << SizeClasses.PAGE_SHIFT));
            for (long chunk = page; chunk + chunkSize <= runEnd && (SizeClasses.isSmall(sizeClass) || chunk == page);
                chunk += chunkSize)
            {
                action.accept(read(chunk));
            }
            page = Math.max(runEnd, page + SizeClasses.PAGE_SIZE);
        }
        return corrupt;
    }

    /**
     * Whether the page at {@code page}, whose entry is {@code entry}, is a later page of a large run whose
     * first page names no class: what a refill killed between writing the later pages' entries and the
     * first page's leaves (PageBump writes them in that order). Space lost to the kill, not corruption;
     * the walk reaches such a page only because it skipped the unnamed first page.
     */
    private boolean isAbandonedContinuation(final long page, final int entry)
    {
        final long runStart = page + (long)entry * SizeClasses.PAGE_SIZE;
        return entry < 0 && runStart >= layout.dataOffset &&
            memory.getIntVolatile(layout.pageEntryOffset(runStart)) == 0;
    }

    public HeapSummary summary()
    {
        final int classes = SizeClasses.count();
        final long[][] counts = new long[classes][6]; // pages, allocated, free, quarantined, unused, requested
        final long[] lastPage = new long[classes];
        java.util.Arrays.fill(lastPage, -1);
        final long corrupt = forEachChunk(chunk ->
        {
            final int c = chunkClass(chunk);
            final long page = chunk.chunkOffset() >>> SizeClasses.PAGE_SHIFT;
            if (page != lastPage[c])
            {
                lastPage[c] = page;
                counts[c][0] += SizeClasses.runPages(c);
            }
            switch (chunk.state())
            {
                case ChunkHeaderDescriptor.STATE_ALLOCATED:
                    counts[c][1]++;
                    counts[c][5] += chunk.requestedSize();
                    break;
                case ChunkHeaderDescriptor.STATE_FREE: counts[c][2]++; break;
                case ChunkHeaderDescriptor.STATE_QUARANTINED: counts[c][3]++; break;
                default: counts[c][4]++;
            }
        });
        final List<ClassSummary> summaries = new ArrayList<>();
        for (int c = 0; c < classes; c++)
        {
            if (counts[c][0] > 0)
            {
                summaries.add(new ClassSummary(c, SizeClasses.chunkSize(c), counts[c][0], counts[c][1], counts[c][2],
                    counts[c][3], counts[c][4], counts[c][5]));
            }
        }
        return new HeapSummary(layout.fileLength, layout.dataOffset, usedEnd() - layout.dataOffset,
            memory.getLongVolatile(HeapHeaderDescriptor.BYTES_SKIPPED_OFFSET),
            memory.getLongVolatile(HeapHeaderDescriptor.QUARANTINED_BYTES_OFFSET), corrupt, List.copyOf(summaries));
    }

    /** The class a chunk was carved for (from the page table, not from its possibly corrupt header). */
    private int chunkClass(final ChunkInfo chunk)
    {
        final long page = chunk.chunkOffset() >>> SizeClasses.PAGE_SHIFT;
        return memory.getIntVolatile(layout.pageTableOffset + page * 4) - 1;
    }

    /** Chunks still allocated whose owner process is dead: what crashed or leaking processes left. */
    public List<ChunkInfo> leaks()
    {
        final List<ChunkInfo> leaks = new ArrayList<>();
        final java.util.Map<Long, Boolean> alive = new java.util.HashMap<>();
        forEachChunk(chunk ->
        {
            if (chunk.isAllocated() && !alive.computeIfAbsent(chunk.ownerPid(), this::isAlive))
            {
                leaks.add(chunk);
            }
        });
        return leaks;
    }

    /**
     * Chunks on the free list of {@code sizeClass}, counted up to {@code limit} (a cycle in a corrupt file ends there).
     */
    public long freeListLength(final int sizeClass, final long limit)
    {
        long index = new org.structhist.alloc.internal.FreeLists(memory).peek(sizeClass);
        long n = 0;
        while (index != 0 && n < limit)
        {
            final long offset = TaggedIndex.offsetOf(index);
            if (offset < layout.dataOffset || offset + ChunkHeaderDescriptor.LENGTH > layout.fileLength)
            {
                break;
            }
            n++;
            index = memory.getLongVolatile(offset + ChunkHeaderDescriptor.NEXT_OFFSET) & TaggedIndex.INDEX_MASK;
        }
        return n;
    }
}
