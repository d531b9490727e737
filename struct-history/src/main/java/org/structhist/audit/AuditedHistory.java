package org.structhist.audit;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.Incarnation;

import java.util.List;

/**
 * An incarnation with its kept events, the running refcount after each one, and its anomalies.
 *
 * @param incarnation the incarnation.
 * @param events      its kept events in position order (any status).
 * @param refcounts   the running refcount after each event in log order ({@link RefcountReplay#refcounts}),
 *                    {@link #UNKNOWN} where the kept events cannot tell it.
 * @param state       where its life stands.
 * @param anomalies   what is wrong with it, in position order (those without an event last).
 */
public record AuditedHistory(
    Incarnation incarnation,
    List<Event> events,
    long[] refcounts,
    LifeState state,
    List<Anomaly> anomalies)
{
    public static final long UNKNOWN = RefcountReplay.UNKNOWN;

    /**
     * The refcount after every claimed event: the writer's net of them when it kept one, else the refcount
     * after the last event, or {@link #UNKNOWN}.
     */
    public long refcountNow()
    {
        if (incarnation.claimedRefDeltaKnown())
        {
            return incarnation.claimedRefDelta();
        }
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
            if (events.get(i).status() == EventStatus.VALID)
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

    /** Whether it has an anomaly that is a bug, not only information about the window. */
    public boolean hasBug()
    {
        return anomalies.stream().anyMatch(a -> !a.information());
    }
}
