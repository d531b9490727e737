package org.structhist.stress.fuzz;

/**
 * Where a mutation's choices come from: Jazzer's FuzzedDataProvider (coverage guided) or a seeded
 * {@link java.util.Random} (the plain mutation loop). Kept this small so the fuzz target does not depend
 * on Jazzer, which is a test dependency.
 */
public interface Choices
{
    /** A value in {@code [min, max]}. */
    int pick(int min, int max);

    long anyLong();

    /** Wraps a Random. */
    static Choices of(final java.util.Random random)
    {
        return new Choices()
        {
            @Override
            public int pick(final int min, final int max)
            {
                return min + random.nextInt(max - min + 1);
            }

            @Override
            public long anyLong()
            {
                return random.nextLong();
            }
        };
    }
}
