package org.structhist.reader;

/**
 * Events logged through the handle of an incarnation that had already left the window (a holder still
 * using an object the window pushed out). They belong to that evicted incarnation, never to the slot's
 * new occupant.
 *
 * @param list       the list.
 * @param pushNumber the evicted incarnation's push number (from the handle).
 * @param address    its address, or 0 when no longer known.
 * @param events     events refused through its stale handles.
 * @param refDelta   their net effect on its count (+1 a REF, -1 an UNREF).
 */
public record StaleHandleEvents(ListInfo list, long pushNumber, long address, long events, long refDelta)
{
}
