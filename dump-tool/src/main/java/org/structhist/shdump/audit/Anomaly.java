package org.structhist.shdump.audit;

import org.structhist.reader.Event;

/**
 * One anomaly in one history.
 *
 * @param kind   what is wrong.
 * @param event  the event that shows it, or null when no single event does (a leak, stale drops).
 * @param detail one line of specifics ("refcount -1", "3 events after it").
 */
public record Anomaly(AnomalyKind kind, Event event, String detail)
{
}
