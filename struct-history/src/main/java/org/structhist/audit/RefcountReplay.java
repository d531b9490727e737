package org.structhist.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.Incarnation;

import java.util.List;

/**
 * The running refcount shown beside each event: the verbs' effects replayed in position order (log
 * order, which under concurrency is not operation order: the audit judges by counts and time windows,
 * this is only what a reader sees). Both {@code shdump show} (through {@link HistoryAudit}, all of a history's
 * kept events at once: {@link #refcounts}) and {@code shdump tail} (one event at a time, as they are committed:
 * an instance, {@link #next}) use it: the forward replay is this class's instance, for both.
 */
public final class RefcountReplay
{
    /** A refcount that the kept events cannot tell. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** The refcount after the last event replayed, or {@link #UNKNOWN} once an effect was lost. */
    private long refs;
    /** The position the next event must hold for no event to have been skipped. */
    private int expected;

    private RefcountReplay(final int firstPosition)
    {
        this.expected = firstPosition;
        this.refs = firstPosition == 0 ? 0 : UNKNOWN;
    }

    /**
     * A forward replay whose first event will be the one at {@code firstPosition}: from 0 at the push if that is
     * position 0, else unknown throughout (the effects of the events before it are not known).
     */
    public static RefcountReplay startingAt(final int firstPosition)
    {
        return new RefcountReplay(firstPosition);
    }

    /**
     * Replays {@code event}, the next one read in position order, and returns the refcount after it. A valid
     * event right after the previous one applies its effect; a record that is not valid, or a position skipped
     * (dropped, overwritten, never read), loses an effect: the refcount is {@link #UNKNOWN} from there on.
     */
    public long next(final Event event)
    {
        if (event.position() != expected || event.status() != EventStatus.VALID)
        {
            refs = UNKNOWN;
        }
        else
        {
            refs = after(refs, event.effect());
        }
        expected = event.position() + 1;
        return refs;
    }

    /** The refcount after {@code effect}, from {@code refs} ({@link #UNKNOWN} stays unknown). */
    public static long after(final long refs, final Effect effect)
    {
        if (refs == UNKNOWN)
        {
            return UNKNOWN;
        }
        switch (effect)
        {
            case REF:
                return refs + 1;
            case UNREF:
                return refs - 1;
            default:
                return refs;
        }
    }

    /** +1 for a REF, -1 for an UNREF, 0 otherwise. */
    public static int delta(final Effect effect)
    {
        return effect == Effect.REF ? 1 : effect == Effect.UNREF ? -1 : 0;
    }

    /**
     * The refcount after each kept event: forward from 0 at the push up to the first event whose effect is
     * lost (dropped between the kept ones, or a record that is not valid), and, when the writer kept the net
     * effect of every claimed event ({@link Incarnation#claimedRefDeltaKnown()}), backward from it down to
     * the last such loss. {@link #UNKNOWN} where neither reaches, and for a record that is not valid.
     */
    public static long[] refcounts(final Incarnation incarnation, final List<Event> events)
    {
        final long[] refcounts = new long[events.size()];
        final RefcountReplay forward = startingAt(0);
        for (int i = 0; i < events.size(); i++)
        {
            refcounts[i] = forward.next(events.get(i));
        }
        if (!incarnation.claimedRefDeltaKnown())
        {
            return refcounts;
        }
        // Claimed positions after the last kept one (claimed, not yet readable) have effects of their own.
        final int last = events.isEmpty() ? -1 : events.get(events.size() - 1).position();
        if (incarnation.eventCount() != last + 1)
        {
            return refcounts;
        }
        long back = incarnation.claimedRefDelta();
        for (int i = events.size() - 1; i >= 0; i--)
        {
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID)
            {
                break;
            }
            refcounts[i] = back;
            back -= delta(e.effect());
            if (i > 0 && events.get(i - 1).position() != e.position() - 1)
            {
                break; // the dropped ones before it: their effects are in the claimed delta, not in the kept events
            }
        }
        return refcounts;
    }
}
