package org.structhist.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.Incarnation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The time-window rule for events that carry no count: an anomaly only when no order of the operations
 * that the windows of {@link EventWindows} allow makes the history valid. For +1/-1 effects one sweep
 * decides it: with every REF as early and every UNREF as late as its window allows, the count at every
 * instant is the highest any allowed order gives, so where even that count is below zero, or is zero
 * after references were certainly taken and a REF must still come, every order is wrong. The first
 * DESTROY is placed as late as its window allows, and an UNREF that may come before it does, so that
 * what is left at the DESTROY is what every order without a use after destroy leaves.
 * <p>
 * Events whose effect is lost (dropped between the kept ones, or records that are not valid) are one
 * lump that happened before its bound (the timestamps of the kept positions claimed after it): with
 * {@code n} such events and a known net effect {@code d} (the writer's claimed delta), at most
 * {@code (n + d) / 2} of them were REFs, counted as early as possible, and the UNREFs as late as the
 * bound. Without a known net, nothing after the bound can be decided from counts.
 */
final class WindowJudge
{
    static final long UNKNOWN = RefcountReplay.UNKNOWN;

    private static final int AT_LUMP = -1;
    private static final int AT_UNREF = 0;
    private static final int AT_DESTROY = 1;
    private static final int AFTER_REF = 2;

    private WindowJudge()
    {
    }

    private record Point(long time, int order, int index)
    {
    }

    /** What the sweep found, each the first of its kind, or null. */
    record Findings(Anomaly belowZero, Anomaly fromZero, Anomaly destroyWithRefs, Anomaly afterDestroy)
    {
    }

    static Findings judge(final Incarnation incarnation, final List<Event> events, final EventWindows w,
        final boolean judgeCounts)
    {
        final int n = events.size();
        int firstDestroy = -1;
        int valid = 0;
        long keptNet = 0;
        for (int i = 0; i < n; i++)
        {
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID)
            {
                continue;
            }
            valid++;
            keptNet += RefcountReplay.delta(e.effect());
            if (firstDestroy < 0 && e.effect() == Effect.DESTROY)
            {
                firstDestroy = i;
            }
        }
        final long destroyTime = firstDestroy < 0 ? Long.MAX_VALUE : w.hi[firstDestroy];
        final Anomaly afterDestroy = afterDestroy(events, w, firstDestroy, destroyTime);
        if (!judgeCounts)
        {
            return new Findings(null, null, null, afterDestroy);
        }

        // The lump of events whose effects are lost.
        // Positions claimed: the incarnation's count, or more if the events were read after more were claimed.
        final long claimed = Math.max(incarnation.eventCount(), n == 0 ? 0 : events.get(n - 1).position() + 1L);
        final long lost = Math.max(0, claimed - valid);
        final long lumpBound = lost == 0 ? Long.MIN_VALUE : lumpBound(incarnation, events, w);
        final boolean netKnown = incarnation.claimedRefDeltaKnown() &&
            Math.abs(incarnation.claimedRefDelta() - keptNet) <= lost;
        final long lumpNet = netKnown ? incarnation.claimedRefDelta() - keptNet : 0;
        final long lumpRefs = lost == 0 ? 0 : netKnown ? (lost + lumpNet) / 2 : lost;
        final long lumpUnrefs = netKnown ? lumpRefs - lumpNet : UNKNOWN;

        final List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID)
            {
                continue;
            }
            switch (e.effect())
            {
                case REF:
                    points.add(new Point(w.lo[i], AFTER_REF, i));
                    break;
                case UNREF:
                    // Before the DESTROY if its window allows: after it, it would be a use after destroy.
                    points.add(new Point(firstDestroy >= 0 && w.lo[i] < destroyTime ? Math.min(w.hi[i], destroyTime) :
                        w.hi[i], AT_UNREF, i));
                    break;
                case DESTROY:
                    if (i == firstDestroy)
                    {
                        points.add(new Point(destroyTime, AT_DESTROY, i));
                    }
                    break;
                default:
                    break;
            }
        }
        if (lost > 0)
        {
            points.add(new Point(lumpBound, AT_LUMP, -1));
        }
        points.sort(Comparator.comparingLong(Point::time).thenComparingInt(Point::order)
            .thenComparingInt(Point::index));

        long count = lumpRefs;
        boolean lumpSettled = lost == 0;
        boolean positiveBefore = false;
        long earliestRefHi = Long.MAX_VALUE;
        Anomaly belowZero = null;
        Anomaly fromZero = null;
        Anomaly destroyWithRefs = null;
        int lastUnref = -1;
        for (final Point p : points)
        {
            positiveBefore |= earliestRefHi <= p.time;
            if (p.order == AT_LUMP)
            {
                lumpSettled = netKnown;
                if (count != UNKNOWN)
                {
                    count = netKnown ? count - lumpUnrefs : UNKNOWN;
                }
                positiveBefore |= netKnown && lumpUnrefs > 0;
                continue;
            }
            final Event e = events.get(p.index);
            switch (p.order)
            {
                case AFTER_REF:
                    if (count == 0 && positiveBefore && fromZero == null)
                    {
                        fromZero = new Anomaly(AnomalyKind.REF_FROM_ZERO, e, lastUnref < 0 ? "refcount 0 before it" :
                            "refcount 0 since #" + events.get(lastUnref).position() + " whatever the order");
                    }
                    count = RefcountReplay.after(count, Effect.REF);
                    earliestRefHi = Math.min(earliestRefHi, w.hi[p.index]);
                    break;
                case AT_UNREF:
                    count = RefcountReplay.after(count, Effect.UNREF);
                    positiveBefore = true;
                    lastUnref = p.index;
                    if (count != UNKNOWN && count < 0 && belowZero == null)
                    {
                        belowZero = new Anomaly(AnomalyKind.REFCOUNT_BELOW_ZERO, e, "refcount " + count);
                    }
                    break;
                default: // the first DESTROY
                    if (count != UNKNOWN && count > 0 && lumpSettled && destroyWithRefs == null)
                    {
                        destroyWithRefs = new Anomaly(AnomalyKind.DESTROY_WITH_REFS, e, "refcount " + count);
                    }
                    break;
            }
        }
        if (lost > 0 && netKnown && lumpNet + keptNet < 0 && belowZero == null)
        {
            // Every claimed event together leaves the count below zero: an unref without its ref, which the
            // kept events do not show (it was dropped). The lump has no event to point at.
            belowZero = new Anomaly(AnomalyKind.REFCOUNT_BELOW_ZERO, null, "refcount " + (lumpNet + keptNet) +
                " after all " + incarnation.eventCount() +
                " events claimed (the writer's net of every REF and UNREF); " +
                "the extra unref is among the " + lost + " events not kept");
        }
        return new Findings(belowZero, fromZero, destroyWithRefs, afterDestroy);
    }

    /** The time by which every lost event had happened: the bound set by the kept positions after the last one. */
    private static long lumpBound(final Incarnation incarnation, final List<Event> events, final EventWindows w)
    {
        if (events.isEmpty() || incarnation.eventCount() > events.get(events.size() - 1).position() + 1)
        {
            return Long.MAX_VALUE; // claimed after every kept event: nothing bounds it
        }
        long bound = Long.MIN_VALUE;
        int expected = 0;
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (e.position() != expected)
            {
                // Lost positions just before this one: bounded by this event and those after it.
                bound = Math.max(bound, e.status() == EventStatus.VALID ? w.hi[i] : w.hiAfter[i]);
            }
            if (e.status() != EventStatus.VALID)
            {
                bound = Math.max(bound, w.hiAfter[i]);
            }
            expected = e.position() + 1;
        }
        return bound;
    }

    private static Anomaly afterDestroy(final List<Event> events, final EventWindows w, final int firstDestroy,
        final long destroyTime)
    {
        if (firstDestroy < 0)
        {
            return null;
        }
        Event first = null;
        int after = 0;
        for (int i = firstDestroy + 1; i < events.size(); i++)
        {
            final Event e = events.get(i);
            // Certainly after the DESTROY: the thread logged something at or after its latest instant.
            if (e.status() == EventStatus.VALID && e.effect() != Effect.DESTROY && w.lo[i] >= destroyTime)
            {
                after++;
                if (first == null)
                {
                    first = e;
                }
            }
        }
        return first == null ? null : new Anomaly(AnomalyKind.USE_AFTER_DESTROY, first,
            after + (after == 1 ? " event" : " events") + " after DESTROY #" + events.get(firstDestroy).position());
    }
}
