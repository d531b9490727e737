package org.structhist.alloc.internal;

/**
 * Wall-clock epoch nanoseconds without allocating: a wall time and a monotonic time taken together once,
 * then the monotonic clock's progress added. Drift against NTP corrections is accepted; chunk times are
 * for people reading a leak report, not for ordering.
 */
public final class WallClock
{
    private static final long WALL_BASE;
    private static final long MONOTONIC_BASE;

    static
    {
        final java.time.Instant now = java.time.Instant.now();
        MONOTONIC_BASE = System.nanoTime();
        WALL_BASE = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private WallClock()
    {
    }

    public static long nanos()
    {
        return WALL_BASE + (System.nanoTime() - MONOTONIC_BASE);
    }
}
