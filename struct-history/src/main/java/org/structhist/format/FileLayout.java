package org.structhist.format;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.MutableDirectBuffer;
import org.structhist.HistoryFormatException;

import static org.structhist.format.FileHeaderDescriptor.*;

/**
 * Where each region of a history file lies: planned from a {@link LayoutRequest} by the creator, written
 * into the header, and read back and bounds-checked by everyone else. After {@link #read} succeeds,
 * every region lies inside the file, so later reads only have to check indexes against these counts.
 */
public final class FileLayout
{
    private static final int PAGE = 4096;
    /** Limits of the tables a creator may ask for, enforced on read so a hostile header cannot build huge maps. */
    public static final int MAX_WRITERS = 65536;
    public static final int MAX_THREADS = 1 << 20;

    public final long fileLength;
    public final int listDirectoryOffset;
    public final int maxLists;
    public final int writerRegistryOffset;
    public final int maxWriters;
    public final int threadTableOffset;
    public final int maxThreads;
    public final int verbTableOffset;
    public final int maxVerbs;
    public final int stringIndexOffset;
    public final int stringIndexCapacity;
    public final int stringDataOffset;
    public final int stringDataLength;
    public final int dataRegionOffset;
    public final int dataRegionLength;

    private FileLayout(
        final long fileLength,
        final int listDirectoryOffset, final int maxLists,
        final int writerRegistryOffset, final int maxWriters,
        final int threadTableOffset, final int maxThreads,
        final int verbTableOffset, final int maxVerbs,
        final int stringIndexOffset, final int stringIndexCapacity,
        final int stringDataOffset, final int stringDataLength,
        final int dataRegionOffset, final int dataRegionLength)
    {
        this.fileLength = fileLength;
        this.listDirectoryOffset = listDirectoryOffset;
        this.maxLists = maxLists;
        this.writerRegistryOffset = writerRegistryOffset;
        this.maxWriters = maxWriters;
        this.threadTableOffset = threadTableOffset;
        this.maxThreads = maxThreads;
        this.verbTableOffset = verbTableOffset;
        this.maxVerbs = maxVerbs;
        this.stringIndexOffset = stringIndexOffset;
        this.stringIndexCapacity = stringIndexCapacity;
        this.stringDataOffset = stringDataOffset;
        this.stringDataLength = stringDataLength;
        this.dataRegionOffset = dataRegionOffset;
        this.dataRegionLength = dataRegionLength;
    }

    /** The layout a new file of this request gets, or an IllegalArgumentException if it cannot fit. */
    public static FileLayout plan(final LayoutRequest request)
    {
        requireLittleEndian();
        long offset = HEADER_LENGTH;
        final long listDirectory = offset;
        offset += (long)request.maxLists() * ListDescriptor.ENTRY_LENGTH;
        final long writerRegistry = offset;
        offset += (long)request.maxWriters() * WriterRegistryDescriptor.ENTRY_LENGTH;
        final long threadTable = offset;
        offset += (long)request.maxThreads() * ThreadTableDescriptor.ENTRY_LENGTH;
        final long verbTable = offset;
        offset += (long)request.maxVerbs() * VerbTableDescriptor.ENTRY_LENGTH;
        final long stringIndex = offset;
        offset += (long)request.stringIndexCapacity() * StringTableDescriptor.INDEX_SLOT_LENGTH;
        final long stringData = align(offset, StringTableDescriptor.ALIGNMENT);
        offset = stringData + request.stringDataBytes();
        final long dataRegion = align(offset, PAGE);
        final long size = request.sizeBytes() & ~(long)(PAGE - 1);
        if (dataRegion >= size)
        {
            throw new IllegalArgumentException("a file of " + request.sizeBytes() + " bytes has no room left for " +
                "lists after its tables (" + dataRegion + " bytes): make it larger or the tables smaller");
        }
        return new FileLayout(size,
            (int)listDirectory, request.maxLists(),
            (int)writerRegistry, request.maxWriters(),
            (int)threadTable, request.maxThreads(),
            (int)verbTable, request.maxVerbs(),
            (int)stringIndex, request.stringIndexCapacity(),
            (int)stringData, request.stringDataBytes(),
            (int)dataRegion, (int)(size - dataRegion));
    }

    /** Writes every header field but Format Version, which the creator release-stores last. */
    public void writeHeader(
        final MutableDirectBuffer buffer, final long creatorPid, final long wallNanos, final long monotonicNanos)
    {
        buffer.putLong(MAGIC_OFFSET, MAGIC);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        buffer.putLong(FILE_LENGTH_OFFSET, fileLength);
        buffer.putLong(CREATOR_PID_OFFSET, creatorPid);
        buffer.putLong(CLOCK_BASE_WALL_NANOS_OFFSET, wallNanos);
        buffer.putLong(CLOCK_BASE_MONOTONIC_NANOS_OFFSET, monotonicNanos);
        buffer.putInt(LIST_DIRECTORY_OFFSET_OFFSET, listDirectoryOffset);
        buffer.putInt(MAX_LISTS_OFFSET, maxLists);
        buffer.putInt(WRITER_REGISTRY_OFFSET_OFFSET, writerRegistryOffset);
        buffer.putInt(MAX_WRITERS_OFFSET, maxWriters);
        buffer.putInt(THREAD_TABLE_OFFSET_OFFSET, threadTableOffset);
        buffer.putInt(MAX_THREADS_OFFSET, maxThreads);
        buffer.putInt(VERB_TABLE_OFFSET_OFFSET, verbTableOffset);
        buffer.putInt(MAX_VERBS_OFFSET, maxVerbs);
        buffer.putInt(STRING_INDEX_OFFSET_OFFSET, stringIndexOffset);
        buffer.putInt(STRING_INDEX_CAPACITY_OFFSET, stringIndexCapacity);
        buffer.putInt(STRING_DATA_OFFSET_OFFSET, stringDataOffset);
        buffer.putInt(STRING_DATA_LENGTH_OFFSET, stringDataLength);
        buffer.putInt(DATA_REGION_OFFSET_OFFSET, dataRegionOffset);
        buffer.putInt(DATA_REGION_LENGTH_OFFSET, dataRegionLength);
        buffer.putInt(LIST_ENTRY_LENGTH_OFFSET, ListDescriptor.ENTRY_LENGTH);
        buffer.putInt(SLOT_HEADER_LENGTH_OFFSET, ObjectSlotDescriptor.HEADER_LENGTH);
        buffer.putInt(EVENT_HEADER_LENGTH_OFFSET, EventDescriptor.HEADER_LENGTH);
        buffer.putInt(WRITER_ENTRY_LENGTH_OFFSET, WriterRegistryDescriptor.ENTRY_LENGTH);
        buffer.putInt(THREAD_ENTRY_LENGTH_OFFSET, ThreadTableDescriptor.ENTRY_LENGTH);
        buffer.putInt(VERB_ENTRY_LENGTH_OFFSET, VerbTableDescriptor.ENTRY_LENGTH);
        buffer.putInt(DATA_REGION_CURSOR_OFFSET, dataRegionOffset);
        buffer.putInt(STRING_DATA_CURSOR_OFFSET, StringTableDescriptor.FIRST_ENTRY_OFFSET);
    }

    /**
     * Reads and checks the header of a file of {@code actualLength} bytes whose Format Version is set.
     * Every count and offset is checked before use, in long arithmetic, and every region offset for
     * 8-byte alignment, so a hostile header cannot make anyone read outside the file, make an atomic
     * access unaligned, or allocate by a count found in it. (Regions may overlap one another in a
     * hostile file; that yields garbage that later checks refuse, never an out-of-file read.)
     */
    public static FileLayout read(final AtomicBuffer buffer, final long actualLength, final String path)
    {
        requireLittleEndian();
        if (actualLength < HEADER_LENGTH || buffer.capacity() < HEADER_LENGTH)
        {
            throw new HistoryFormatException(path + " is not a history file: it is only " + actualLength +
                " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
        }
        // Version first, with acquire: the magic is a plain field published by the version's release.
        final int version = buffer.getIntVolatile(FORMAT_VERSION_OFFSET);
        if (buffer.getLong(MAGIC_OFFSET) != MAGIC)
        {
            throw new HistoryFormatException(path + " is not a history file (its first bytes are not the " +
                "structhist magic)");
        }
        if (version == 0)
        {
            throw new HistoryFormatException(path + " is still being initialised by its creator (pid " +
                buffer.getLong(CREATOR_PID_OFFSET) + ") or its creator died before finishing it");
        }
        if (version != FORMAT_VERSION)
        {
            throw new HistoryFormatException(path + " is in structhist format version " + version +
                (version > FORMAT_VERSION ? ", newer than" : ", older than") + " version " + FORMAT_VERSION +
                " that this version of structhist reads");
        }
        final long fileLength = buffer.getLong(FILE_LENGTH_OFFSET);
        if (fileLength != actualLength)
        {
            throw new HistoryFormatException(path + (actualLength < fileLength ? " is truncated" : " is corrupt") +
                ": its header says " + fileLength + " bytes but the file has " + actualLength);
        }
        if (fileLength > MAX_FILE_LENGTH || buffer.capacity() < fileLength)
        {
            throw new HistoryFormatException(path + " is corrupt: file length " + fileLength + " is out of range");
        }
        requireEqual(buffer, HEADER_LENGTH_OFFSET, HEADER_LENGTH, "header length", path);
        requireEqual(buffer, LIST_ENTRY_LENGTH_OFFSET, ListDescriptor.ENTRY_LENGTH, "list entry length", path);
        requireEqual(buffer, SLOT_HEADER_LENGTH_OFFSET, ObjectSlotDescriptor.HEADER_LENGTH, "slot header length", path);
        requireEqual(buffer, EVENT_HEADER_LENGTH_OFFSET, EventDescriptor.HEADER_LENGTH, "event header length", path);
        requireEqual(buffer, WRITER_ENTRY_LENGTH_OFFSET, WriterRegistryDescriptor.ENTRY_LENGTH,
            "writer entry length", path);
        requireEqual(buffer, THREAD_ENTRY_LENGTH_OFFSET, ThreadTableDescriptor.ENTRY_LENGTH,
            "thread entry length", path);
        requireEqual(buffer, VERB_ENTRY_LENGTH_OFFSET, VerbTableDescriptor.ENTRY_LENGTH, "verb entry length", path);

        final int maxLists = buffer.getInt(MAX_LISTS_OFFSET);
        final int maxWriters = buffer.getInt(MAX_WRITERS_OFFSET);
        final int maxThreads = buffer.getInt(MAX_THREADS_OFFSET);
        final int maxVerbs = buffer.getInt(MAX_VERBS_OFFSET);
        final int indexCapacity = buffer.getInt(STRING_INDEX_CAPACITY_OFFSET);
        final int stringDataLength = buffer.getInt(STRING_DATA_LENGTH_OFFSET);
        final int dataRegionLength = buffer.getInt(DATA_REGION_LENGTH_OFFSET);
        requireRange(maxLists, 1, ListDescriptor.MAX_LISTS, "list count", path);
        requireRange(maxVerbs, 1, VerbTableDescriptor.MAX_VERBS, "verb count", path);
        requireRange(maxWriters, 1, MAX_WRITERS, "writer count", path);
        requireRange(maxThreads, 1, MAX_THREADS, "thread count", path);
        requireRange(stringDataLength, StringTableDescriptor.FIRST_ENTRY_OFFSET, Integer.MAX_VALUE,
            "string data length", path);
        requireRange(dataRegionLength, 0, Integer.MAX_VALUE, "data region length", path);
        if (indexCapacity < 1 || Integer.bitCount(indexCapacity) != 1)
        {
            throw new HistoryFormatException(path + " is corrupt: string index capacity " + indexCapacity +
                " is not a power of two");
        }

        // Each region is checked inside the file and after the one before it (the order plan() lays them
        // out in): a region moved over another would let a writer's stores for one land in the other.
        final RegionCursor regions = new RegionCursor(buffer, fileLength, path);
        final int listDirectory = regions.next(LIST_DIRECTORY_OFFSET_OFFSET, maxLists, ListDescriptor.ENTRY_LENGTH,
            "list directory");
        final int writerRegistry = regions.next(WRITER_REGISTRY_OFFSET_OFFSET, maxWriters,
            WriterRegistryDescriptor.ENTRY_LENGTH, "writer registry");
        final int threadTable = regions.next(THREAD_TABLE_OFFSET_OFFSET, maxThreads,
            ThreadTableDescriptor.ENTRY_LENGTH, "thread table");
        final int verbTable = regions.next(VERB_TABLE_OFFSET_OFFSET, maxVerbs, VerbTableDescriptor.ENTRY_LENGTH,
            "verb table");
        final int stringIndex = regions.next(STRING_INDEX_OFFSET_OFFSET, indexCapacity,
            StringTableDescriptor.INDEX_SLOT_LENGTH, "string index");
        final int stringData = regions.next(STRING_DATA_OFFSET_OFFSET, stringDataLength, 1, "string data");
        final int dataRegion = regions.next(DATA_REGION_OFFSET_OFFSET, dataRegionLength, 1, "data region");

        return new FileLayout(fileLength, listDirectory, maxLists, writerRegistry, maxWriters, threadTable,
            maxThreads, verbTable, maxVerbs, stringIndex, indexCapacity, stringData, stringDataLength,
            dataRegion, dataRegionLength);
    }

    private static void requireEqual(
        final AtomicBuffer buffer, final int offset, final int expected, final String what, final String path)
    {
        final int actual = buffer.getInt(offset);
        if (actual != expected)
        {
            throw new HistoryFormatException(path + " has a " + what + " of " + actual + " where format version " +
                FORMAT_VERSION + " has " + expected + ": it is corrupt or from an incompatible build");
        }
    }

    private static void requireRange(
        final int value, final int min, final int max, final String what, final String path)
    {
        if (value < min || value > max)
        {
            throw new HistoryFormatException(path + " is corrupt: its " + what + " " + value + " is out of range");
        }
    }

    /** Reads the header's regions in file order: each inside the file, aligned, and after the previous. */
    private static final class RegionCursor
    {
        private final AtomicBuffer buffer;
        private final long fileLength;
        private final String path;
        private long previousEnd = HEADER_LENGTH;
        private String previous = "file header";

        RegionCursor(final AtomicBuffer buffer, final long fileLength, final String path)
        {
            this.buffer = buffer;
            this.fileLength = fileLength;
            this.path = path;
        }

        int next(final int offsetField, final int count, final int length, final String what)
        {
            final int offset = buffer.getInt(offsetField);
            final long end = (long)offset + (long)count * length;
            if ((offset & 7) != 0)
            {
                throw new HistoryFormatException(path + " is corrupt: its " + what + " offset " + offset +
                    " is not 8-byte aligned");
            }
            if (offset < HEADER_LENGTH || end > fileLength)
            {
                throw new HistoryFormatException(path + " is corrupt: its " + what + " (" + count + " x " + length +
                    " bytes at " + offset + ") lies outside the " + fileLength + "-byte file");
            }
            if (offset < previousEnd)
            {
                throw new HistoryFormatException(path + " is corrupt: its " + what + " at " + offset +
                    " overlaps the " + previous + ", which ends at " + previousEnd);
            }
            previousEnd = end;
            previous = what;
            return offset;
        }
    }

    /**
     * The file is written in native byte order through Agrona, and the format is little-endian: on a
     * big-endian machine structhist refuses to run rather than write a file nobody else can read.
     */
    private static void requireLittleEndian()
    {
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN)
        {
            throw new HistoryFormatException("structhist files are little-endian and this machine is big-endian");
        }
    }

    private static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -(long)alignment;
    }
}
