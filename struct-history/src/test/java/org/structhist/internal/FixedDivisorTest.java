package org.structhist.internal;

import org.junit.jupiter.api.Test;
import org.structhist.format.ObjectSlotDescriptor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link FixedDivisor} gives what {@code /} and {@code %} give, for the divisors a list can have (a window
 * from 1 to 2^31 - 1, a ring from 1 to Events Per Object) and the dividends a writer meets: push numbers up
 * to 2^56 (handles from shared memory can carry any) and positions up to 2^31 - 1. The dividends probed
 * are the ones where an estimate is most likely off by one: around every multiple, and at the limits.
 */
class FixedDivisorTest
{
    private static final int[] DIVISORS = {
        1, 2, 3, 5, 7, 10, 56, 63, 64, 100, 1000, 1023, 1024, 4095, 4097, 10_000, 65_521, 1_000_003,
        (1 << 24) + 1, 1_000_000_007, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};

    @Test
    void quotientIsTheDivisionsAroundMultiplesAndLimits()
    {
        for (final int d : DIVISORS)
        {
            final long magic = FixedDivisor.magic(d);
            // Where the multiplication stops and the division takes over: the largest exact dividend.
            final long limit = Long.divideUnsigned(-1L, d);
            final long[] bases = {0, 1, 1L << 20, 1L << 32, 1L << 39, 1L << 40, limit, 1L << 53, (1L << 56) - 1};
            for (final long base : bases)
            {
                final long multiple = base - base % d;
                for (long n = Math.max(0, multiple - 3); n <= multiple + 3; n++)
                {
                    assertEquals(n / d, FixedDivisor.quotient(n, magic, d), n + " / " + d);
                }
                for (long n = Math.max(0, base - 3); n <= base + 3; n++)
                {
                    assertEquals(n / d, FixedDivisor.quotient(n, magic, d), n + " / " + d);
                }
            }
        }
    }

    @Test
    void quotientIsTheDivisionForRandomPushNumbers()
    {
        final SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 2_000_000; i++)
        {
            final int d = random.nextBoolean() ? DIVISORS[random.nextInt(DIVISORS.length)] :
                1 + random.nextInt(Integer.MAX_VALUE);
            final long n = random.nextLong(1L << (1 + random.nextInt(56)));
            final long magic = FixedDivisor.magic(d);
            final long quotient = FixedDivisor.quotient(n, magic, d);
            assertEquals(n / d, quotient, n + " / " + d);
            assertEquals(n % d, FixedDivisor.remainder(n, quotient, magic, d), n + " % " + d);
        }
    }

    @Test
    void remainderIsTheModuloForEveryIntSizeThatMatters()
    {
        final SplittableRandom random = new SplittableRandom(17);
        for (final int d : DIVISORS)
        {
            final long magic = FixedDivisor.magic(d);
            for (final int n : new int[] {0, 1, d - 1, d, d + 1, Integer.MAX_VALUE - 1, Integer.MAX_VALUE})
            {
                if (n >= 0)
                {
                    assertEquals(n % d, FixedDivisor.remainder(n, magic, d), n + " % " + d);
                }
            }
            for (int i = 0; i < 100_000; i++)
            {
                final int n = random.nextInt(Integer.MAX_VALUE);
                assertEquals(n % d, FixedDivisor.remainder(n, magic, d), n + " % " + d);
            }
        }
    }

    @Test
    void aSlotsRingIsIndexedAsTheDescriptorSays()
    {
        for (int events = 2; events <= 70; events++)
        {
            for (int pinned = 0; pinned < events; pinned++)
            {
                final long magic = FixedDivisor.magic(events - pinned);
                for (int position = 0; position < 3 * events; position++)
                {
                    final int index = position < pinned ?
                        position : pinned + FixedDivisor.remainder(position - pinned, magic, events - pinned);
                    assertEquals(ObjectSlotDescriptor.recordIndex(position, pinned, events), index);
                }
            }
        }
    }

    @Test
    void aDivisorBelowOneIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> FixedDivisor.magic(0));
    }
}
