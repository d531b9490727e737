package org.structhist.shdump.audit;

import org.structhist.reader.Event;
import org.structhist.reader.Incarnation;

import java.util.List;

/**
 * An incarnation with its kept events, the running refcount after each one, and its anomalies.
 *
 * @param incarnation the incarnation.
 * @param events      its kept events in position order (any status).
 * @param refcounts   the running refcount after each event, {@link #UNKNOWN} once events were dropped
 *                    before it (their effects are lost) or for an event that is not valid.
 * @param state       where its life stands.
 * @param anomalies   what is wrong with it, in position order.
 */
public record AuditedHistory(
    Incarnation incarnation,
    List<Event> events,
    long[] refcounts,
    LifeState state,
    List<Anomaly> anomalies)
{
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** The refcount after the last event, or {@link #UNKNOWN}. */
    public long refcountNow()
    {
        for (int i = refcounts.length - 1; i >= 0; i--)
        {
            if (refcounts[i] != UNKNOWN)
            {
                return i == refcounts.length - 1 || allInvalidAfter(i) ? refcounts[i] : UNKNOWN;
            }
        }
        return events.isEmpty() ? 0 : UNKNOWN;
    }

    private boolean allInvalidAfter(final int index)
    {
        for (int i = index + 1; i < events.size(); i++)
        {
            if (events.get(i).status() == org.structhist.reader.EventStatus.VALID)
            {
                return false;
            }
        }
        return true;
    }

    public boolean has(final AnomalyKind kind)
    {
        return anomalies.stream().anyMatch(a -> a.kind() == kind);
    }
}
