package org.structhist;

/** Where an event's timestamp comes from. Each event records which one it used. */
public enum ClockMode
{
    /** {@code System.nanoTime()} on every event: exact, costs the clock read (about 20 ns). */
    EXACT,
    /**
     * A cached {@code System.nanoTime()} that a daemon ticker refreshes every
     * {@link FileOptions#coarseClockResolutionNanos()} (1 ms by default): the cheapest, events in the
     * same tick share a time. Per-object order is still exact: it is the event position.
     */
    COARSE
}
