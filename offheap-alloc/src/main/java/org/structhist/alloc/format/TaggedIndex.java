package org.structhist.alloc.format;

/**
 * A free-list head: a chunk index in the low 36 bits and a tag in the high 28. Every successful CAS of
 * a head adds one to its tag, so a thread that read the head, was preempted while the same chunk was
 * popped, reused and pushed back, fails its CAS instead of linking a stale next (ABA). It would take
 * exactly 2^28 operations on that one class while the thread sleeps to fool it.
 */
public final class TaggedIndex
{
    public static final int INDEX_BITS = 36;
    public static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    /** Chunk offsets are multiples of this; an index is an offset divided by it. */
    public static final int INDEX_UNIT = 16;
    /** The largest heap a 36-bit index of 16-byte units addresses: 1 TiB. */
    public static final long MAX_HEAP_BYTES = (INDEX_MASK + 1) * INDEX_UNIT;

    private TaggedIndex()
    {
    }

    public static long index(final long head)
    {
        return head & INDEX_MASK;
    }

    /** {@code index} with the tag that follows {@code previousHead}'s. */
    public static long next(final long previousHead, final long index)
    {
        return ((previousHead >>> INDEX_BITS) + 1) << INDEX_BITS | index;
    }

    public static long offsetOf(final long index)
    {
        return index * INDEX_UNIT;
    }

    public static long indexOf(final long offset)
    {
        return offset / INDEX_UNIT;
    }
}
