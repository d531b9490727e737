package org.structhist.shdump.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks one history and says what is wrong with it. The refcount starts at 0 at the push and follows
 * the verbs' effects (REF +1, UNREF -1); once events were dropped between the kept first and last
 * ones, or a record is not a valid event, their effects are unknown, so refcount checks stop there
 * while the others go on.
 */
public final class HistoryAudit
{
    private final HistoryReader reader;
    private final Map<Long, Boolean> aliveByPid = new HashMap<>();

    public HistoryAudit(final HistoryReader reader)
    {
        this.reader = reader;
    }

    public AuditedHistory audit(final Incarnation incarnation)
    {
        return audit(incarnation, reader.events(incarnation));
    }

    public AuditedHistory audit(final Incarnation incarnation, final List<Event> events)
    {
        final List<Anomaly> anomalies = new ArrayList<>();
        final long[] refcounts = new long[events.size()];
        long refcount = 0;
        boolean known = true;
        Event destroy = null;
        int afterDestroy = 0;
        Event firstAfterDestroy = null;
        boolean belowZeroReported = false;
        boolean anyAlive = isAlive(incarnation.creatorPid());
        int expected = 0;

        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (e.position() != expected)
            {
                known = false; // events dropped between: their effects on the refcount are lost
            }
            expected = e.position() + 1;
            if (e.status() != EventStatus.VALID)
            {
                // What this record did to the refcount is lost with it, as for dropped events: counting on
                // without it would report a refcount below zero after a lost REF, or refs left after a lost UNREF.
                known = false;
                refcounts[i] = AuditedHistory.UNKNOWN;
                reportInvalid(e, i == events.size() - 1, anomalies);
                continue;
            }
            anyAlive |= isAlive(e.pid());
            if (destroy != null && e.effect() != Effect.DESTROY)
            {
                afterDestroy++;
                if (firstAfterDestroy == null)
                {
                    firstAfterDestroy = e;
                }
            }
            switch (e.effect())
            {
                case REF:
                    refcount++;
                    break;
                case UNREF:
                    refcount--;
                    if (known && refcount < 0 && !belowZeroReported)
                    {
                        anomalies.add(new Anomaly(AnomalyKind.REFCOUNT_BELOW_ZERO, e, "refcount " + refcount));
                        belowZeroReported = true;
                    }
                    break;
                case DESTROY:
                    if (destroy != null)
                    {
                        anomalies.add(new Anomaly(AnomalyKind.DOUBLE_DESTROY, e,
                            "first DESTROY was #" + destroy.position()));
                    }
                    else if (known && refcount > 0)
                    {
                        anomalies.add(new Anomaly(AnomalyKind.DESTROY_WITH_REFS, e, "refcount " + refcount));
                    }
                    if (destroy == null)
                    {
                        destroy = e;
                    }
                    break;
                default:
                    break;
            }
            refcounts[i] = known ? refcount : AuditedHistory.UNKNOWN;
        }
        if (firstAfterDestroy != null)
        {
            anomalies.add(new Anomaly(AnomalyKind.USE_AFTER_DESTROY, firstAfterDestroy,
                afterDestroy + (afterDestroy == 1 ? " event" : " events") + " after DESTROY #" + destroy.position()));
        }
        if (incarnation.staleEventsDropped() > 0)
        {
            anomalies.add(new Anomaly(AnomalyKind.STALE_HANDLE_EVENTS, null,
                incarnation.staleEventsDropped() + " refused"));
        }
        final LifeState state;
        if (destroy != null)
        {
            state = LifeState.DESTROYED;
        }
        else if (incarnation.unref())
        {
            state = LifeState.UNREF;
        }
        else if (!anyAlive && incarnation.headerValid())
        {
            state = LifeState.LEAKED;
            anomalies.add(new Anomaly(AnomalyKind.LEAK_AT_DEATH, events.isEmpty() ? null : events.get(events.size() - 1),
                "created by pid " + incarnation.creatorPid()));
        }
        else
        {
            state = LifeState.LIVE;
        }
        anomalies.sort((a, b) -> Integer.compare(position(a), position(b)));
        return new AuditedHistory(incarnation, events, refcounts, state, anomalies);
    }

    private void reportInvalid(final Event e, final boolean last, final List<Anomaly> anomalies)
    {
        switch (e.status())
        {
            case IN_FLIGHT:
                // A record claimed and never committed is only an anomaly when its writer is gone: a live
                // one may be writing it right now. The pid field is the best evidence there is.
                if (e.pid() != 0 && !isAlive(e.pid()))
                {
                    anomalies.add(new Anomaly(AnomalyKind.WRITER_DIED_MID_RECORD, e,
                        "writer " + e.pid() + " died mid-record" + (last ? "" : " (not the last record)")));
                }
                break;
            case CHECKSUM_MISMATCH:
            case CORRUPT:
                anomalies.add(new Anomaly(AnomalyKind.CORRUPT_RECORD, e, e.status().name()));
                break;
            default:
                break; // TORN: being overwritten right now in a live file, not evidence of anything
        }
    }

    private static int position(final Anomaly a)
    {
        return a.event() == null ? Integer.MAX_VALUE : a.event().position();
    }

    /** Whether process {@code pid} is alive, by the writer registry's identity when it has one. */
    public boolean isAlive(final long pid)
    {
        // Cached: one audit asks about the same few pids for every event.
        return aliveByPid.computeIfAbsent(pid, reader::isWriterAlive);
    }
}
