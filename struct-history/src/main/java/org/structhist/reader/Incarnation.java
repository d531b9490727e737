package org.structhist.reader;

/**
 * One incarnation of an object: the occupant of one slot of one list, as read.
 *
 * @param list               the list it is in.
 * @param slot               slot index.
 * @param generation         slot generation (push number / window + 1).
 * @param pushNumber         the list's push number of this incarnation.
 * @param handle             the handle the writer got for it.
 * @param address            the object's address (or any id the writer pushed).
 * @param creatorPid         pid that pushed it.
 * @param creatorThreadId    thread that pushed it.
 * @param pushTimeNanos      {@code System.nanoTime()} of the push, in the creator's clock.
 * @param unref              whether {@code unref()} was called.
 * @param unrefTimeNanos     when, in the caller's clock (0: unknown).
 * @param eventCount         event positions claimed (committed or not).
 * @param staleEventsDropped events from earlier occupants' stale handles refused since this push.
 * @param headerValid        false when the push was still being written, or two pushes raced: the
 *                           address and times are then not to be trusted.
 * @param claimedRefDelta    the net effect on the count (+1 a REF, -1 an UNREF) of every event claimed for
 *                           this incarnation, kept or dropped; {@link #UNKNOWN_REF_DELTA} when the file
 *                           does not keep it.
 */
public record Incarnation(
    ListInfo list,
    int slot,
    int generation,
    long pushNumber,
    long handle,
    long address,
    int creatorPid,
    int creatorThreadId,
    long pushTimeNanos,
    boolean unref,
    long unrefTimeNanos,
    int eventCount,
    long staleEventsDropped,
    boolean headerValid,
    long claimedRefDelta)
{
    /** {@link #claimedRefDelta} when the file does not keep it. */
    public static final long UNKNOWN_REF_DELTA = Long.MIN_VALUE;

    /** Whether {@link #claimedRefDelta} was kept by the writer. */
    public boolean claimedRefDeltaKnown()
    {
        return claimedRefDelta != UNKNOWN_REF_DELTA;
    }

    /** Events neither pinned nor still in the ring: lost to the per-object limit. */
    public long droppedEvents()
    {
        return Math.max(0, (long)eventCount - list.eventsPerObject());
    }
}
