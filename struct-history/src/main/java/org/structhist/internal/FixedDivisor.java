package org.structhist.internal;

/**
 * Division by a divisor fixed when a list is opened (its window, the ring of its slots' records), without
 * a division instruction on the hot path: a 64-bit {@code idiv} costs tens of cycles, more than the rest of
 * an event's arithmetic.
 * <ul>
 *   <li>{@link #quotient(long)}: multiplies by the divisor's reciprocal as a double and corrects the
 *       truncated result by one, which makes it exact for every dividend below {@link #RECIPROCAL_LIMIT}
 *       (the product's error is then far below one); larger dividends, which no real push number reaches
 *       (2^40 pushes), divide.</li>
 *   <li>{@link #remainder(int)}: Lemire's fastmod for 32-bit operands (a precomputed 64-bit magic,
 *       two multiplications), exact for every non-negative int.</li>
 * </ul>
 * Nothing is stored in the file: the precomputation is process memory, made once per list.
 */
public final class FixedDivisor
{
    /** Dividends below this take the reciprocal; 2^40 keeps its error under 2^-12 for any divisor. */
    public static final long RECIPROCAL_LIMIT = 1L << 40;

    private final int divisor;
    private final double reciprocal;
    /** ceil(2^64 / divisor) as an unsigned long (0 for a divisor of 1, which then always gives 0). */
    private final long magic;

    /**
     * @param divisor at least 1.
     */
    public FixedDivisor(final int divisor)
    {
        if (divisor < 1)
        {
            throw new IllegalArgumentException("a divisor must be at least 1, not " + divisor);
        }
        this.divisor = divisor;
        this.reciprocal = 1.0 / divisor;
        this.magic = Long.divideUnsigned(-1L, divisor) + 1;
    }

    public int divisor()
    {
        return divisor;
    }

    /** {@code dividend / divisor} for a non-negative {@code dividend}. */
    public long quotient(final long dividend)
    {
        if (dividend >= RECIPROCAL_LIMIT)
        {
            return dividend / divisor;
        }
        final long estimate = (long)(dividend * reciprocal);
        final long remainder = dividend - estimate * divisor;
        if (remainder < 0)
        {
            return estimate - 1;
        }
        return remainder >= divisor ? estimate + 1 : estimate;
    }

    /** {@code dividend % divisor} for a non-negative {@code dividend}. */
    public int remainder(final int dividend)
    {
        final long lowBits = magic * dividend;
        // The high 64 bits of the unsigned product lowBits x divisor (Math.unsignedMultiplyHigh is JDK 18+):
        // the divisor is positive, so only lowBits' sign needs the correction.
        return (int)(Math.multiplyHigh(lowBits, divisor) + ((lowBits >> 63) & divisor));
    }
}
