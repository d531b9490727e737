package org.structhist.format;

/**
 * Layout of a handle: the 64-bit value that names one incarnation (one push) of one list, which a writer
 * may store in shared memory and pass to another process that has the same file open. Stored as a
 * little-endian long, its bytes are:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Push Number (56 bits, low 32)                                 |  0
 *  |  Push Number (high 24)                       |  List Tag (u8)  |  4
 *  +---------------------------------------------------------------+
 * </pre>
 * List Tag is the list index plus one, so handle 0 (the no-op handle of a disabled build) names no list.
 * As a number: {@code handle = (listIndex + 1) << 56 | pushNumber}. The incarnation is slot
 * {@code pushNumber mod Window} of that list, generation
 * {@link ObjectSlotDescriptor#generationOf(long, int)}.
 */
public final class HandleDescriptor
{
    public static final int LENGTH = 8;

    public static final int PUSH_NUMBER_OFFSET = 0;
    public static final int LIST_TAG_OFFSET = 7;

    /** Bit position of the list tag in the handle read as a long. */
    public static final int LIST_SHIFT = LIST_TAG_OFFSET * Byte.SIZE;
    /** The push number bits of a handle; push numbers stay below {@code 2^56}. */
    public static final long PUSH_NUMBER_MASK = (1L << LIST_SHIFT) - 1;

    /** The handle of push {@code pushNumber} of list {@code listIndex} (0-based). */
    public static long handle(final int listIndex, final long pushNumber)
    {
        return listTag(listIndex) | (pushNumber & PUSH_NUMBER_MASK);
    }

    /** The top bits every handle of list {@code listIndex} carries. */
    public static long listTag(final int listIndex)
    {
        return (long)(listIndex + 1) << LIST_SHIFT;
    }

    /** The list index (0-based) a handle names; -1 for handle 0 and other handles without a list tag. */
    public static int listIndex(final long handle)
    {
        return (int)(handle >>> LIST_SHIFT) - 1;
    }

    public static long pushNumber(final long handle)
    {
        return handle & PUSH_NUMBER_MASK;
    }

    private HandleDescriptor()
    {
    }
}
