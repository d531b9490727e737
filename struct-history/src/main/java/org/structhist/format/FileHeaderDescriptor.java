package org.structhist.format;

/**
 * Layout of the file header: the first {@link #HEADER_LENGTH} bytes of every history file.
 * <p>
 * All multi-byte values are little-endian (written in native order; structhist refuses to run on a
 * big-endian machine). Every region offset is absolute (from the start of the
 * file) and the whole file is at most {@link #MAX_FILE_LENGTH} bytes, so offsets fit an {@code int}.
 * The creator writes every field, then release-stores {@link #FORMAT_VERSION_OFFSET} last (the
 * "version written last" protocol of Aeron's CnC file): an attaching writer that sees a version of 0
 * waits for it, up to its attach timeout; the read-only {@code HistoryReader} refuses such a file at
 * once as still being initialised.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Magic "STRHIST\n" (8 bytes)                    |  0
 *  +---------------------------------------------------------------+
 *  |        Format Version (0 until initialised, written last)      |  8
 *  |                       Header Length                            | 12
 *  |                        File Length (long)                      | 16
 *  |                        Creator Pid (long)                      | 24
 *  |          Clock Base: wall time, epoch nanoseconds (long)       | 32
 *  |      Clock Base: System.nanoTime() at that instant (long)      | 40
 *  |   List Directory Offset      |        Max Lists                | 48
 *  |   Writer Registry Offset     |        Max Writers              | 56
 *  |   Thread Table Offset        |        Max Threads              | 64
 *  |   Verb Table Offset          |        Max Verbs                | 72
 *  |   String Index Offset        |   String Index Capacity (slots) | 80
 *  |   String Data Offset         |   String Data Length (bytes)    | 88
 *  |   Data Region Offset         |   Data Region Length (bytes)    | 96
 *  |   List Entry Length          |   Slot Header Length            |104
 *  |   Event Header Length        |   Writer Entry Length           |112
 *  |   Thread Entry Length        |   Verb Entry Length             |120
 *  +---------------------------------------------------------------+
 *  |   Data Region Cursor (atomic)| String Data Cursor (atomic)     |128
 *  |   Thread Table Cursor (atomic)| Strings Not Interned (atomic)  |136
 *  |   Threads Not Registered     | Verbs Not Registered            |144
 *  |   Writers Not Registered     | reserved                        |152
 *  +---------------------------------------------------------------+
 *  |                 reserved, zero, up to 4096                     |160
 *  +---------------------------------------------------------------+
 * </pre>
 * The layout lengths at 104..124 let a reader refuse a file whose structures it does not know, with
 * one clear sentence, before it reads any of them.
 */
public final class FileHeaderDescriptor
{
    /** "STRHIST\n" read as a little-endian long. */
    public static final long MAGIC = 0x0A54534948525453L;

    /** The format this code writes and reads. Any change to any descriptor bumps it. */
    public static final int FORMAT_VERSION = 2;

    public static final int HEADER_LENGTH = 4096;

    /** Offsets are ints and Agrona's UnsafeBuffer is int-indexed: one file stays below 2 GiB. */
    public static final int MAX_FILE_LENGTH = Integer.MAX_VALUE & ~(HEADER_LENGTH - 1);

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int FILE_LENGTH_OFFSET = 16;
    public static final int CREATOR_PID_OFFSET = 24;
    public static final int CLOCK_BASE_WALL_NANOS_OFFSET = 32;
    public static final int CLOCK_BASE_MONOTONIC_NANOS_OFFSET = 40;
    public static final int LIST_DIRECTORY_OFFSET_OFFSET = 48;
    public static final int MAX_LISTS_OFFSET = 52;
    public static final int WRITER_REGISTRY_OFFSET_OFFSET = 56;
    public static final int MAX_WRITERS_OFFSET = 60;
    public static final int THREAD_TABLE_OFFSET_OFFSET = 64;
    public static final int MAX_THREADS_OFFSET = 68;
    public static final int VERB_TABLE_OFFSET_OFFSET = 72;
    public static final int MAX_VERBS_OFFSET = 76;
    public static final int STRING_INDEX_OFFSET_OFFSET = 80;
    public static final int STRING_INDEX_CAPACITY_OFFSET = 84;
    public static final int STRING_DATA_OFFSET_OFFSET = 88;
    public static final int STRING_DATA_LENGTH_OFFSET = 92;
    public static final int DATA_REGION_OFFSET_OFFSET = 96;
    public static final int DATA_REGION_LENGTH_OFFSET = 100;
    public static final int LIST_ENTRY_LENGTH_OFFSET = 104;
    public static final int SLOT_HEADER_LENGTH_OFFSET = 108;
    public static final int EVENT_HEADER_LENGTH_OFFSET = 112;
    public static final int WRITER_ENTRY_LENGTH_OFFSET = 116;
    public static final int THREAD_ENTRY_LENGTH_OFFSET = 120;
    public static final int VERB_ENTRY_LENGTH_OFFSET = 124;

    /** Next free byte of the data region, absolute; advanced by CAS when a list is created. */
    public static final int DATA_REGION_CURSOR_OFFSET = 128;
    /** Next free byte of the string data, relative to its start; advanced by a CAS that stops at its end. */
    public static final int STRING_DATA_CURSOR_OFFSET = 132;
    /** Next thread table entry to claim; advanced by a CAS that stops at Max Threads. */
    public static final int THREAD_TABLE_CURSOR_OFFSET = 136;
    public static final int STRINGS_NOT_INTERNED_OFFSET = 140;
    public static final int THREADS_NOT_REGISTERED_OFFSET = 144;
    public static final int VERBS_NOT_REGISTERED_OFFSET = 148;
    public static final int WRITERS_NOT_REGISTERED_OFFSET = 152;

    private FileHeaderDescriptor()
    {
    }
}
