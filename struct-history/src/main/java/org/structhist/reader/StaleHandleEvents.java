package org.structhist.reader;

/**
 * Events logged through the handle of an incarnation that had already left the window (a holder still
 * using an object the window pushed out). They belong to that evicted incarnation, never to the slot's
 * new occupant.
 *
 * @param list          the list.
 * @param pushNumber    the evicted incarnation's push number (from the handle).
 * @param address       its address, or 0 when no longer known.
 * @param events        events refused through its stale handles.
 * @param refDelta      their net effect on its count (+1 a REF, -1 an UNREF).
 * @param netAtEviction the net effect on its count of every event claimed before it left the window (its
 *                      slot's Claimed Ref Delta when the next push replaced it), or {@link #UNKNOWN_NET} when
 *                      the file no longer says (the slot was pushed again since, or the push was born stale).
 */
public record StaleHandleEvents(ListInfo list, long pushNumber, long address, long events, long refDelta,
    long netAtEviction)
{
    /** {@link #netAtEviction} when the file does not say what the count was when the object left the window. */
    public static final long UNKNOWN_NET = Long.MIN_VALUE;

    /** Stale events of a push whose net at eviction is not known. */
    public StaleHandleEvents(final ListInfo list, final long pushNumber, final long address, final long events,
        final long refDelta)
    {
        this(list, pushNumber, address, events, refDelta, UNKNOWN_NET);
    }

    public boolean netAtEvictionKnown()
    {
        return netAtEviction != UNKNOWN_NET;
    }
}
