package org.structhist.alloc.format;

/**
 * Where everything lies in a heap file of a given capacity, computed by the creator and re-derived and
 * checked by every attacher and reader from the header (never trusted).
 */
public final class HeapLayout
{
    public final long fileLength;
    public final long pageCount;
    public final long pageTableOffset;
    public final long quarantineRingOffset;
    public final int quarantineSlots;
    public final long quarantineBudget;
    public final boolean poison;
    public final long dataOffset;

    private HeapLayout(final long fileLength, final int quarantineSlots, final long quarantineBudget,
        final boolean poison)
    {
        this.fileLength = fileLength;
        this.pageCount = fileLength >>> SizeClasses.PAGE_SHIFT;
        this.pageTableOffset = SizeClasses.PAGE_SIZE;
        this.quarantineRingOffset = pageTableOffset + roundToPage(pageCount * PageTableDescriptor.ENTRY_LENGTH);
        this.quarantineSlots = quarantineSlots;
        this.quarantineBudget = quarantineBudget;
        this.poison = poison;
        this.dataOffset = quarantineRingOffset + roundToPage(quarantineSlots * 8L);
    }

    static long roundToPage(final long bytes)
    {
        return (bytes + SizeClasses.PAGE_SIZE - 1) & -(long)SizeClasses.PAGE_SIZE;
    }

    /** The layout for a new file; {@code capacity} is rounded up to whole pages. */
    public static HeapLayout plan(final long capacity, final int quarantineSlots, final long quarantineBudget,
        final boolean poison)
    {
        final long fileLength = roundToPage(capacity);
        if (fileLength > TaggedIndex.MAX_HEAP_BYTES)
        {
            throw new IllegalArgumentException("a heap holds at most " + TaggedIndex.MAX_HEAP_BYTES +
                " bytes (1 TiB), not " +
                capacity);
        }
        final HeapLayout layout = new HeapLayout(fileLength, quarantineSlots, quarantineBudget, poison);
        if (layout.dataOffset + SizeClasses.PAGE_SIZE > fileLength)
        {
            throw new IllegalArgumentException("a heap of " + capacity + " bytes has no room for chunks after its " +
                layout.dataOffset + " bytes of header, page table and quarantine ring");
        }
        return layout;
    }

    /** Writes the header of a new file; the format version is left for the creator to release-store last. */
    public void writeHeader(final HeapMemory memory, final long creatorPid, final long createdAtNanos)
    {
        memory.putLong(HeapHeaderDescriptor.MAGIC_OFFSET, HeapHeaderDescriptor.MAGIC);
        memory.putInt(HeapHeaderDescriptor.HEADER_LENGTH_OFFSET, HeapHeaderDescriptor.HEADER_LENGTH);
        memory.putLong(HeapHeaderDescriptor.FILE_LENGTH_OFFSET, fileLength);
        memory.putInt(HeapHeaderDescriptor.PAGE_SIZE_OFFSET, SizeClasses.PAGE_SIZE);
        memory.putInt(HeapHeaderDescriptor.CHUNK_HEADER_LENGTH_OFFSET, ChunkHeaderDescriptor.LENGTH);
        memory.putInt(HeapHeaderDescriptor.CLASS_COUNT_OFFSET, SizeClasses.count());
        memory.putInt(HeapHeaderDescriptor.SMALL_CLASS_COUNT_OFFSET, SizeClasses.smallCount());
        memory.putLong(HeapHeaderDescriptor.PAGE_TABLE_OFFSET_OFFSET, pageTableOffset);
        memory.putLong(HeapHeaderDescriptor.QUARANTINE_RING_OFFSET_OFFSET, quarantineRingOffset);
        memory.putInt(HeapHeaderDescriptor.QUARANTINE_SLOTS_OFFSET, quarantineSlots);
        memory.putInt(HeapHeaderDescriptor.FLAGS_OFFSET, poison ? HeapHeaderDescriptor.FLAG_POISON : 0);
        memory.putLong(HeapHeaderDescriptor.QUARANTINE_BUDGET_OFFSET, quarantineBudget);
        memory.putLong(HeapHeaderDescriptor.DATA_OFFSET_OFFSET, dataOffset);
        memory.putLong(HeapHeaderDescriptor.CREATOR_PID_OFFSET, creatorPid);
        memory.putLong(HeapHeaderDescriptor.CREATED_AT_OFFSET, createdAtNanos);
        memory.putInt(HeapHeaderDescriptor.PROCESS_SLOTS_OFFSET, ProcessSlotDescriptor.MAX_SLOTS);
        memory.putLong(HeapHeaderDescriptor.PAGE_BUMP_OFFSET, dataOffset);
        for (int c = 0; c < SizeClasses.count(); c++)
        {
            final int entry = SizeClassDescriptor.entryOffset(c);
            memory.putInt(entry + SizeClassDescriptor.CHUNK_SIZE_OFFSET, (int)SizeClasses.chunkSize(c));
            memory.putInt(entry + SizeClassDescriptor.RUN_PAGES_OFFSET, SizeClasses.runPages(c));
        }
    }

    /**
     * The layout a file's header describes, every field checked against the file's real length and the
     * format's constants. {@code name} is how errors name the file.
     *
     * @throws HeapFormatException naming the first field that is wrong.
     */
    public static HeapLayout read(final HeapMemory memory, final long actualLength, final String name)
    {
        if (actualLength < HeapHeaderDescriptor.HEADER_LENGTH)
        {
            throw new HeapFormatException(name + " is not a heap file: " + actualLength +
                " bytes is shorter than a header");
        }
        if (memory.getLong(HeapHeaderDescriptor.MAGIC_OFFSET) != HeapHeaderDescriptor.MAGIC)
        {
            throw new HeapFormatException(name + " is not a heap file (its first bytes are not the heap magic)");
        }
        final int version = memory.getIntVolatile(HeapHeaderDescriptor.FORMAT_VERSION_OFFSET);
        if (version != HeapHeaderDescriptor.FORMAT_VERSION)
        {
            throw new HeapFormatException(name + " has heap format version " + version +
                "; this reader knows version " +
                HeapHeaderDescriptor.FORMAT_VERSION);
        }
        final long fileLength = memory.getLong(HeapHeaderDescriptor.FILE_LENGTH_OFFSET);
        if (fileLength != actualLength)
        {
            throw new HeapFormatException(name + " is corrupt: its header says " + fileLength +
                " bytes but the file has " +
                actualLength);
        }
        expect(name, "page size", memory.getInt(HeapHeaderDescriptor.PAGE_SIZE_OFFSET), SizeClasses.PAGE_SIZE);
        expect(name, "chunk header length", memory.getInt(HeapHeaderDescriptor.CHUNK_HEADER_LENGTH_OFFSET),
            ChunkHeaderDescriptor.LENGTH);
        expect(name, "size class count", memory.getInt(HeapHeaderDescriptor.CLASS_COUNT_OFFSET), SizeClasses.count());
        expect(name, "small size class count", memory.getInt(HeapHeaderDescriptor.SMALL_CLASS_COUNT_OFFSET),
            SizeClasses.smallCount());
        expect(name, "process slot count", memory.getInt(HeapHeaderDescriptor.PROCESS_SLOTS_OFFSET),
            ProcessSlotDescriptor.MAX_SLOTS);
        for (int c = 0; c < SizeClasses.count(); c++)
        {
            final int entry = SizeClassDescriptor.entryOffset(c);
            expect(name, "chunk size of class " + c, memory.getInt(entry + SizeClassDescriptor.CHUNK_SIZE_OFFSET),
                (int)SizeClasses.chunkSize(c));
            expect(name, "run pages of class " + c, memory.getInt(entry + SizeClassDescriptor.RUN_PAGES_OFFSET),
                SizeClasses.runPages(c));
        }
        final int slots = memory.getInt(HeapHeaderDescriptor.QUARANTINE_SLOTS_OFFSET);
        if (slots < 16 || slots > 1 << 20 || Integer.bitCount(slots) != 1 || fileLength % SizeClasses.PAGE_SIZE != 0 ||
            fileLength > TaggedIndex.MAX_HEAP_BYTES)
        {
            throw new HeapFormatException(name + " is corrupt: quarantine slots " + slots + " or length " + fileLength +
                " is not one a heap can have");
        }
        final long budget = memory.getLong(HeapHeaderDescriptor.QUARANTINE_BUDGET_OFFSET);
        final boolean poison =
            (memory.getInt(HeapHeaderDescriptor.FLAGS_OFFSET) & HeapHeaderDescriptor.FLAG_POISON) != 0;
        final HeapLayout layout = new HeapLayout(fileLength, slots, Math.max(0, budget), poison);
        expect(name, "page table offset", memory.getLong(HeapHeaderDescriptor.PAGE_TABLE_OFFSET_OFFSET),
            layout.pageTableOffset);
        expect(name, "quarantine ring offset", memory.getLong(HeapHeaderDescriptor.QUARANTINE_RING_OFFSET_OFFSET),
            layout.quarantineRingOffset);
        expect(name, "data offset", memory.getLong(HeapHeaderDescriptor.DATA_OFFSET_OFFSET), layout.dataOffset);
        if (layout.dataOffset >= fileLength)
        {
            throw new HeapFormatException(name + " is corrupt: its data offset " +
                layout.dataOffset + " is past its end");
        }
        return layout;
    }

    private static void expect(final String name, final String field, final long actual, final long expected)
    {
        if (actual != expected)
        {
            throw new HeapFormatException(name + " is corrupt or from another version: its " + field + " is " + actual +
                ", expected " + expected);
        }
    }

    /** The page table entry's offset for the page holding {@code offset}. */
    public long pageEntryOffset(final long offset)
    {
        return pageTableOffset + (offset >>> SizeClasses.PAGE_SHIFT) * PageTableDescriptor.ENTRY_LENGTH;
    }
}
