package org.structhist.internal;

/**
 * Division by a divisor fixed when a list is opened (its window, the ring of its slots' records), without
 * a division instruction on the hot path: a 64-bit {@code idiv} costs tens of cycles, more than the rest of
 * an event's arithmetic, and the quotient is on the path to the address every later store of the event needs.
 * <p>
 * A divisor is prepared once into one long, its {@link #magic}, which the writer keeps in a field of its own
 * next to the divisor: no object between the writer and the arithmetic, so no load more on the event's path
 * (a trial measured about 1 ns per event for it in two runs; the final comparison could not tell it from the
 * noise, benchmarks/RESULTS.md, issue 13).
 * <ul>
 *   <li>A power of two (the default window, 1024) shifts and masks: its magic is {@code ~log2(divisor)}, negative.</li>
 *   <li>Any other divisor {@code d} (then at least 3) has the magic {@code M = ceil(2^64 / d)}, below 2^63: the
 *       quotient of {@code n} is the high 64 bits of {@code n x M}, one multiplication, exact for every
 *       {@code n < M} (at least 2^33; see {@link #quotient} for why). Larger push numbers, which a list reaches
 *       only after billions of pushes, divide. A remainder is the dividend less the quotient times the divisor;
 *       an event position is an int, always below {@code M}.</li>
 * </ul>
 * The first form multiplied by the reciprocal as a double and corrected by one: its conversions to and from
 * double were about 4 ns of an event's critical path on this project's benchmark machine. Nothing is stored in
 * the file: the magic is process memory, made once per list.
 */
public final class FixedDivisor
{
    private FixedDivisor()
    {
    }

    /**
     * The magic of {@code divisor} (at least 1): {@code ~log2(divisor)} for a power of two, else
     * {@code ceil(2^64 / divisor)}.
     */
    public static long magic(final int divisor)
    {
        if (divisor < 1)
        {
            throw new IllegalArgumentException("a divisor must be at least 1, not " + divisor);
        }
        if (Integer.bitCount(divisor) == 1)
        {
            return ~(long)Integer.numberOfTrailingZeros(divisor);
        }
        return Long.divideUnsigned(-1L, divisor) + 1;
    }

    /**
     * {@code dividend / divisor} for a non-negative {@code dividend}, {@code magic} being {@link #magic}
     * of {@code divisor}.
     * <p>
     * Why the multiplication is exact: with {@code M = ceil(2^64 / d)}, {@code M d = 2^64 + e} for some
     * {@code 0 < e < d} (d is not a power of two), so {@code n M / 2^64 = n / d + n e / (d 2^64)}. Writing
     * {@code n = q d + r}, the high half is {@code q} as long as {@code r + n e / 2^64 < d}, which holds when
     * {@code n e < 2^64}. {@code n < M} means {@code n <= floor((2^64 - 1) / d)}, so {@code n e < n d < 2^64}.
     * Both factors are below 2^63, so the signed {@link Math#multiplyHigh} is the unsigned one.
     */
    public static long quotient(final long dividend, final long magic, final int divisor)
    {
        if (magic < 0)
        {
            return dividend >>> ~magic;
        }
        return dividend < magic ? Math.multiplyHigh(dividend, magic) : dividend / divisor;
    }

    /** {@code dividend % divisor} for a non-negative {@code dividend} whose {@link #quotient} is {@code quotient}. */
    public static int remainder(final long dividend, final long quotient, final long magic, final int divisor)
    {
        return magic < 0 ? (int)dividend & (divisor - 1) : (int)(dividend - quotient * divisor);
    }

    /** {@code dividend % divisor} for a non-negative int {@code dividend}: below any magic, so it never divides. */
    public static int remainder(final int dividend, final long magic, final int divisor)
    {
        if (magic < 0)
        {
            return dividend & (divisor - 1);
        }
        return (int)(dividend - Math.multiplyHigh(dividend, magic) * divisor);
    }
}
