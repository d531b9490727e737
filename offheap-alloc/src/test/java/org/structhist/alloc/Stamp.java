package org.structhist.alloc;

/**
 * A payload filled with a pattern that names its owner: a chunk handed to two owners at once, or written
 * by anyone but its owner, no longer carries its owner's stamp. Every 8-byte word depends on the tag and
 * on its position (an odd multiplier is a bijection, so two tags never give the same word at one
 * position); the tail bytes past the last whole word too.
 */
final class Stamp
{
    private static final long MIX = 0x9E37_79B9_7F4A_7C15L;

    private Stamp()
    {
    }

    /** A tag for allocation {@code sequence} of thread {@code thread} of process {@code pid}. */
    static long tag(final long pid, final int thread, final long sequence)
    {
        return pid << 40 ^ (long)thread << 32 ^ sequence;
    }

    static long word(final long tag, final long position)
    {
        return (tag + position) * MIX;
    }

    static void write(final SharedHeap heap, final long address, final long size, final long tag)
    {
        final long words = size >>> 3;
        for (long i = 0; i < words; i++)
        {
            heap.putLong(address + (i << 3), word(tag, i));
        }
        final long tail = word(tag, words);
        for (long j = words << 3; j < size; j++)
        {
            heap.putByte(address + j, (byte)(tail >>> ((j & 7) << 3)));
        }
    }

    /** Null when the whole payload carries {@code tag}'s stamp; otherwise what differs, for a failure message. */
    static String check(final SharedHeap heap, final long address, final long size, final long tag)
    {
        final long words = size >>> 3;
        for (long i = 0; i < words; i++)
        {
            final long actual = heap.getLong(address + (i << 3));
            if (actual != word(tag, i))
            {
                return "stamp of 0x" + Long.toHexString(address) + " (" + size +
                    " bytes, tag 0x" + Long.toHexString(tag) +
                    ") broken at byte " + (i << 3) + ": 0x" + Long.toHexString(actual) + " instead of 0x" +
                    Long.toHexString(word(tag, i));
            }
        }
        final long tail = word(tag, words);
        for (long j = words << 3; j < size; j++)
        {
            if (heap.getByte(address + j) != (byte)(tail >>> ((j & 7) << 3)))
            {
                return "stamp of 0x" + Long.toHexString(address) + " (" + size +
                    " bytes, tag 0x" + Long.toHexString(tag) +
                    ") broken at tail byte " + j;
            }
        }
        return null;
    }
}
