package org.structhist.alloc.format;

/**
 * One entry of the header's size class table, one cache line each so that classes do not contend.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Chunk Size (header included)                   |  0
 *  +---------------------------------------------------------------+
 *  |        Run Pages (pages a refill takes from the bump)         |  4
 *  +---------------------------------------------------------------+
 *  |   Free List Head: tag (28 bits) | chunk index (36 bits)       |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Reserved                             | 16..63
 *  +---------------------------------------------------------------+
 * </pre>
 * The head is a Treiber stack top; see {@link TaggedIndex}. A chunk index is the chunk's offset in the
 * file divided by 16, 0 meaning none (offset 0 is the header, never a chunk).
 */
public final class SizeClassDescriptor
{
    public static final int CHUNK_SIZE_OFFSET = 0;
    public static final int RUN_PAGES_OFFSET = 4;
    public static final int FREE_HEAD_OFFSET = 8;
    public static final int LENGTH = 64;

    private SizeClassDescriptor()
    {
    }

    public static int entryOffset(final int sizeClass)
    {
        return HeapHeaderDescriptor.CLASS_TABLE_OFFSET + sizeClass * LENGTH;
    }
}
