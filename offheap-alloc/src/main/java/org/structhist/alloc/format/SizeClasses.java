package org.structhist.alloc.format;

/**
 * The size classes, fixed by the format (a reader recomputes them and checks the file's table). Chunk
 * sizes include the 48-byte header. Small classes, 64 bytes to 16 KiB (16-byte steps to 256, then four
 * steps per doubling), are carved from 64 KiB pages; large classes are runs of 1, 2, 4 ... 16384 pages
 * (64 KiB to 1 GiB), one chunk each.
 */
public final class SizeClasses
{
    public static final int PAGE_SIZE = 64 * 1024;
    public static final int PAGE_SHIFT = 16;
    /** Chunks never straddle a segment: the heap is mapped in segments of this size. */
    public static final int SEGMENT_SHIFT = 30;
    public static final long SEGMENT_SIZE = 1L << SEGMENT_SHIFT;
    public static final int LARGEST_SMALL_CHUNK = 16 * 1024;

    private static final int[] CHUNK_SIZES;
    private static final int SMALL_COUNT;

    static
    {
        final int[] sizes = new int[128];
        int n = 0;
        for (int size = 64; size <= 256; size += 16)
        {
            sizes[n++] = size;
        }
        for (int base = 256; base < LARGEST_SMALL_CHUNK; base *= 2)
        {
            for (int step = 1; step <= 4; step++)
            {
                sizes[n++] = base + step * (base / 4);
            }
        }
        SMALL_COUNT = n;
        for (long run = PAGE_SIZE; run <= SEGMENT_SIZE; run *= 2)
        {
            sizes[n++] = (int)Math.min(run, Integer.MAX_VALUE);
        }
        CHUNK_SIZES = java.util.Arrays.copyOf(sizes, n);
    }

    private SizeClasses()
    {
    }

    public static int count()
    {
        return CHUNK_SIZES.length;
    }

    public static int smallCount()
    {
        return SMALL_COUNT;
    }

    public static boolean isSmall(final int sizeClass)
    {
        return sizeClass < SMALL_COUNT;
    }

    public static long chunkSize(final int sizeClass)
    {
        return sizeClass < SMALL_COUNT ? CHUNK_SIZES[sizeClass] : (long)PAGE_SIZE << (sizeClass - SMALL_COUNT);
    }

    /** Pages one refill of the class takes: one page of small chunks, or the whole run. */
    public static int runPages(final int sizeClass)
    {
        return sizeClass < SMALL_COUNT ? 1 : 1 << (sizeClass - SMALL_COUNT);
    }

    /** The largest payload one chunk holds. */
    public static long maxPayload()
    {
        return chunkSize(count() - 1) - ChunkHeaderDescriptor.LENGTH;
    }

    /** The smallest class whose chunk holds {@code payload} bytes, or -1 if none does. */
    public static int classFor(final long payload)
    {
        // Compared before the header is added: payload + LENGTH overflows to a negative "needed" for a
        // payload near Long.MAX_VALUE, which would pass as a small class.
        if (payload < 0 || payload > maxPayload())
        {
            return -1;
        }
        final long needed = payload + ChunkHeaderDescriptor.LENGTH;
        if (needed <= LARGEST_SMALL_CHUNK)
        {
            int low = 0;
            int high = SMALL_COUNT - 1;
            while (low < high) // the first class at least `needed`
            {
                final int mid = (low + high) >>> 1;
                if (CHUNK_SIZES[mid] >= needed)
                {
                    high = mid;
                }
                else
                {
                    low = mid + 1;
                }
            }
            return low;
        }
        final long pages = (needed + PAGE_SIZE - 1) >>> PAGE_SHIFT;
        return SMALL_COUNT + 64 - Long.numberOfLeadingZeros(pages - 1);
    }
}
