package org.structhist.alloc.format;

/**
 * The heap file's header: the first page of the file. Every field is little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Magic "SHHEAP01" (8)                      |   0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Format Version (release-stored last)             |   8
 *  +---------------------------------------------------------------+
 *  |                        Header Length                          |  12
 *  +---------------------------------------------------------------+
 *  |                     File Length (capacity)                    |  16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Page Size                            |  24
 *  +---------------------------------------------------------------+
 *  |                     Chunk Header Length                       |  28
 *  +---------------------------------------------------------------+
 *  |                      Size Class Count                         |  32
 *  +---------------------------------------------------------------+
 *  |                   Small Size Class Count                      |  36
 *  +---------------------------------------------------------------+
 *  |                     Page Table Offset                         |  40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Quarantine Ring Offset                      |  48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Quarantine Slot Count                      |  56
 *  +---------------------------------------------------------------+
 *  |                  Flags (bit 0: poison freed)                  |  60
 *  +---------------------------------------------------------------+
 *  |                   Quarantine Byte Budget                      |  64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Data Offset (first chunk page)               |  72
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Creator Pid                           |  80
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Created At (wall clock, epoch ns)             |  88
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Process Slot Count                        |  96
 *  +---------------------------------------------------------------+
 *  |                          Reserved                             | 100..127
 *  +---------------------------------------------------------------+
 *  |          Page Bump (next never-used byte), own cache line     | 128
 *  +---------------------------------------------------------------+
 *  |    Bytes Skipped (run tails left at 1 GiB segment edges)      | 136
 *  +---------------------------------------------------------------+
 *  |       Quarantine Tail (frees ever entered), own cache line    | 192
 *  +---------------------------------------------------------------+
 *  |       Quarantine Head (entries ever evicted), own line        | 256
 *  +---------------------------------------------------------------+
 *  |       Quarantined Bytes, own cache line                       | 320
 *  +---------------------------------------------------------------+
 *  |       Process table: Process Slot Count x 16 bytes            | 512
 *  |       (see ProcessSlotDescriptor)                             |
 *  +---------------------------------------------------------------+
 *  |       Size class table: Size Class Count x 64 bytes           | 2048
 *  |       (see SizeClassDescriptor)                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The page table ({@link PageTableDescriptor}), the quarantine ring (8 bytes a slot: a chunk's index, 0
 * when empty) and then the chunk pages follow, each starting on a page boundary.
 */
public final class HeapHeaderDescriptor
{
    /** "SHHEAP01" read as a little-endian long. */
    public static final long MAGIC = 0x3130504145484853L;
    public static final int FORMAT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int FILE_LENGTH_OFFSET = 16;
    public static final int PAGE_SIZE_OFFSET = 24;
    public static final int CHUNK_HEADER_LENGTH_OFFSET = 28;
    public static final int CLASS_COUNT_OFFSET = 32;
    public static final int SMALL_CLASS_COUNT_OFFSET = 36;
    public static final int PAGE_TABLE_OFFSET_OFFSET = 40;
    public static final int QUARANTINE_RING_OFFSET_OFFSET = 48;
    public static final int QUARANTINE_SLOTS_OFFSET = 56;
    public static final int FLAGS_OFFSET = 60;
    public static final int QUARANTINE_BUDGET_OFFSET = 64;
    public static final int DATA_OFFSET_OFFSET = 72;
    public static final int CREATOR_PID_OFFSET = 80;
    public static final int CREATED_AT_OFFSET = 88;
    public static final int PROCESS_SLOTS_OFFSET = 96;

    public static final int PAGE_BUMP_OFFSET = 128;
    public static final int BYTES_SKIPPED_OFFSET = 136;
    public static final int QUARANTINE_TAIL_OFFSET = 192;
    public static final int QUARANTINE_HEAD_OFFSET = 256;
    public static final int QUARANTINED_BYTES_OFFSET = 320;
    public static final int PROCESS_TABLE_OFFSET = 512;
    public static final int CLASS_TABLE_OFFSET = 2048;

    public static final int FLAG_POISON = 1;

    /** The header occupies the file's first page. */
    public static final int HEADER_LENGTH = SizeClasses.PAGE_SIZE;

    private HeapHeaderDescriptor()
    {
    }
}
