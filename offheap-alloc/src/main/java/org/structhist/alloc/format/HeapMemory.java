package org.structhist.alloc.format;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.MappedByteBuffer;

/**
 * The mapped heap file addressed by long offsets. Java 17 maps at most 2 GiB per mapping, so the file
 * is mapped in 1 GiB segments, each wrapped by an Agrona {@link UnsafeBuffer} for plain, ordered and
 * atomic access; no chunk, header field or table entry straddles a segment edge, so every access is one
 * segment's. An offset outside the file throws Agrona's bounds exception (IndexOutOfBoundsException),
 * never touches other memory.
 * <p>
 * It sits in the format layer because its segments are part of the format (no record straddles one) and
 * {@link HeapLayout} reads and writes the header through it: the format depends on nothing above it.
 */
public final class HeapMemory
{
    private static final long SEGMENT_MASK = SizeClasses.SEGMENT_SIZE - 1;

    private final UnsafeBuffer[] segments;
    /** Kept reachable: a mapping lives until its buffer is collected. */
    private final MappedByteBuffer[] mappings;
    private final long length;

    public HeapMemory(final MappedByteBuffer[] mappings, final long length)
    {
        this.mappings = mappings;
        this.length = length;
        this.segments = new UnsafeBuffer[mappings.length];
        for (int i = 0; i < mappings.length; i++)
        {
            segments[i] = new UnsafeBuffer(mappings[i]);
        }
    }

    public long length()
    {
        return length;
    }

    public MappedByteBuffer[] mappings()
    {
        return mappings;
    }

    private UnsafeBuffer segment(final long offset)
    {
        return segments[(int)(offset >>> SizeClasses.SEGMENT_SHIFT)];
    }

    private static int at(final long offset)
    {
        return (int)(offset & SEGMENT_MASK);
    }

    public long getLong(final long offset)
    {
        return segment(offset).getLong(at(offset));
    }

    public void putLong(final long offset, final long value)
    {
        segment(offset).putLong(at(offset), value);
    }

    public long getLongVolatile(final long offset)
    {
        return segment(offset).getLongVolatile(at(offset));
    }

    public void putLongRelease(final long offset, final long value)
    {
        segment(offset).putLongRelease(at(offset), value);
    }

    public boolean compareAndSetLong(final long offset, final long expected, final long update)
    {
        return segment(offset).compareAndSetLong(at(offset), expected, update);
    }

    public long getAndSetLong(final long offset, final long value)
    {
        return segment(offset).getAndSetLong(at(offset), value);
    }

    public long getAndAddLong(final long offset, final long delta)
    {
        return segment(offset).getAndAddLong(at(offset), delta);
    }

    public int getInt(final long offset)
    {
        return segment(offset).getInt(at(offset));
    }

    public void putInt(final long offset, final int value)
    {
        segment(offset).putInt(at(offset), value);
    }

    public int getIntVolatile(final long offset)
    {
        return segment(offset).getIntVolatile(at(offset));
    }

    public void putIntRelease(final long offset, final int value)
    {
        segment(offset).putIntRelease(at(offset), value);
    }

    public boolean compareAndSetInt(final long offset, final int expected, final int update)
    {
        return segment(offset).compareAndSetInt(at(offset), expected, update);
    }

    public int getAndAddInt(final long offset, final int delta)
    {
        return segment(offset).getAndAddInt(at(offset), delta);
    }

    public byte getByte(final long offset)
    {
        return segment(offset).getByte(at(offset));
    }

    public void putByte(final long offset, final byte value)
    {
        segment(offset).putByte(at(offset), value);
    }

    public void getBytes(final long offset, final byte[] dst, final int dstOffset, final int length)
    {
        segment(offset).getBytes(at(offset), dst, dstOffset, length);
    }

    public void putBytes(final long offset, final byte[] src, final int srcOffset, final int length)
    {
        segment(offset).putBytes(at(offset), src, srcOffset, length);
    }

    /** Fills {@code length} bytes; the range must lie in one segment (a chunk always does). */
    public void setMemory(final long offset, final long length, final byte value)
    {
        segment(offset).setMemory(at(offset), (int)length, value);
    }
}
