package org.structhist.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;

import java.util.List;

/**
 * Judges by the counts the writers logged ({@link Event#count()}: the count their atomic operation
 * produced). Those are facts whatever order the events were logged in, so correct code under any
 * interleaving gives nothing here, and each finding is the event that proves it:
 * <ul>
 * <li>a count below zero;</li>
 * <li>a REF that produced 1 after an UNREF produced 0 (by the time windows), or more REFs producing 1 than
 *     one birth allows: a reference taken from zero;</li>
 * <li>two UNREFs that produced 0, when no resurrection was found between them: zero reached twice;</li>
 * <li>a DESTROY that logged a count above zero.</li>
 * </ul>
 */
final class CountJudge
{
    private CountJudge()
    {
    }

    record Findings(Anomaly belowZero, Anomaly fromZero, Anomaly zeroTwice, Anomaly destroyWithRefs)
    {
    }

    static Findings judge(final List<Event> events, final EventWindows w)
    {
        Anomaly belowZero = null;
        Anomaly destroyWithRefs = null;
        int firstCounted = -1;
        int firstZero = -1;
        int secondZero = -1;
        int onesAfterZero = -1;
        int firstOne = -1;
        int secondOne = -1;
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID || !e.hasCount())
            {
                continue;
            }
            if (firstCounted < 0)
            {
                firstCounted = i;
            }
            if (e.count() < 0 && belowZero == null)
            {
                belowZero = new Anomaly(AnomalyKind.REFCOUNT_BELOW_ZERO, e, "refcount " + e.count() + " logged");
            }
            if (e.effect() == Effect.DESTROY && e.count() > 0 && destroyWithRefs == null)
            {
                destroyWithRefs = new Anomaly(AnomalyKind.DESTROY_WITH_REFS, e, "refcount " + e.count() + " logged");
            }
            if (e.effect() == Effect.UNREF && e.count() == 0)
            {
                if (firstZero < 0)
                {
                    firstZero = i;
                }
                else if (secondZero < 0)
                {
                    secondZero = i;
                }
            }
            if (e.effect() == Effect.REF && e.count() == 1)
            {
                if (firstOne < 0)
                {
                    firstOne = i;
                }
                else if (secondOne < 0)
                {
                    secondOne = i;
                }
            }
        }
        // A REF that certainly came after an UNREF that left zero: its window opens after that one's closes.
        for (int i = 0; i < events.size() && firstZero >= 0 && onesAfterZero < 0; i++)
        {
            final Event e = events.get(i);
            if (e.status() == EventStatus.VALID && e.hasCount() && e.effect() == Effect.REF && e.count() == 1 &&
                w.lo[i] >= w.hi[firstZero])
            {
                onesAfterZero = i;
            }
        }
        // Born counted: the first event already logged a count of 1 or more without being the REF that made it.
        final boolean bornCounted = firstCounted == 0 && events.get(0).position() == 0 &&
            events.get(0).effect() != Effect.REF && events.get(0).count() >= 1;
        // Whichever proves it first: each is a 0 -> 1 transition more than one birth allows.
        Anomaly fromZero = null;
        if (onesAfterZero >= 0)
        {
            fromZero = new Anomaly(AnomalyKind.REF_FROM_ZERO, events.get(onesAfterZero),
                "refcount 1 logged after #" + events.get(firstZero).position() + " logged 0");
        }
        final int extraOne = bornCounted ? firstOne : secondOne;
        if (extraOne >= 0 && (fromZero == null || extraOne < onesAfterZero))
        {
            fromZero = new Anomaly(AnomalyKind.REF_FROM_ZERO, events.get(extraOne), bornCounted ?
                "refcount 1 logged, but it was born with " + events.get(0).count() :
                "refcount 1 logged a second time (first #" + events.get(firstOne).position() + ")");
        }
        final Anomaly zeroTwice = secondZero < 0 || fromZero != null ? null :
            new Anomaly(AnomalyKind.REACHED_ZERO_TWICE, events.get(secondZero),
                "refcount 0 logged again (first #" + events.get(firstZero).position() + ")");
        return new Findings(belowZero, fromZero, zeroTwice, destroyWithRefs);
    }
}
