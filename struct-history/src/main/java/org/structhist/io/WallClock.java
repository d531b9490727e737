package org.structhist.io;

import java.time.Instant;

/**
 * Wall-clock time in epoch nanoseconds, the one place structhist turns the JVM's clocks into it.
 * <p>
 * {@link #preciseNanos()} asks the wall clock now (cold paths: headers, clock bases, list creation).
 * {@link #nanos()} allocates nothing, for hot paths: a wall time and a monotonic time taken together once,
 * then the monotonic clock's progress added. It drifts from the wall clock by whatever NTP corrects after
 * start-up; use it for times people read (a chunk's allocation time), not for ordering across processes.
 */
public final class WallClock
{
    private static final long WALL_BASE;
    private static final long MONOTONIC_BASE;

    static
    {
        final Instant now = Instant.now();
        MONOTONIC_BASE = System.nanoTime();
        WALL_BASE = toNanos(now);
    }

    private WallClock()
    {
    }

    /** Epoch nanoseconds, garbage-free: the start-up base plus the monotonic clock's progress since. */
    public static long nanos()
    {
        return WALL_BASE + (System.nanoTime() - MONOTONIC_BASE);
    }

    /** Epoch nanoseconds from the wall clock now, as precise as the JVM's clock gives it. */
    public static long preciseNanos()
    {
        return toNanos(Instant.now());
    }

    private static long toNanos(final Instant instant)
    {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
