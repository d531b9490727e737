package org.structhist.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Says who did it, where the history shows it: the references each owner (pid and thread) held, replayed
 * in position order. An owner holds the references it took, less those it handed over (a HANDOFF verb),
 * plus hand-offs it took over; an UNREF is backed by a reference of its own first, else by a hand-off
 * not yet taken. The first UNREF (or HANDOFF) with nothing to back it is the culprit: "tcpworker-1
 * released 2 references where it held 1". Without HANDOFF verbs a reference passed between threads is
 * invisible, so owners are only compared when one owner did every REF and UNREF.
 */
final class Culprits
{
    private final List<Event> events;
    private final boolean handOffs;
    private final boolean onePid;

    private static final class Owner
    {
        final String name;
        long taken;
        long received;
        long handedOver;
        long released;
        long held;
        /** Its last HANDOFF, when that gave away the last reference it held. */
        Event lastReferenceHandedOver;

        Owner(final String name)
        {
            this.name = name;
        }
    }

    Culprits(final List<Event> events)
    {
        this.events = events;
        boolean anyHandOff = false;
        int pid = 0;
        boolean samePid = true;
        for (final Event e : events)
        {
            if (e.status() == EventStatus.VALID)
            {
                anyHandOff |= e.effect() == Effect.HANDOFF;
                samePid &= pid == 0 || pid == e.pid();
                pid = e.pid();
            }
        }
        this.handOffs = anyHandOff;
        this.onePid = samePid;
    }

    /** {@code anomaly} with its cause, when the events up to it show one. */
    Anomaly explain(final Anomaly anomaly)
    {
        if (anomaly == null)
        {
            return null;
        }
        final int upTo = anomaly.event() == null ? Integer.MAX_VALUE : anomaly.event().position();
        if (!complete(upTo))
        {
            // Owners' tallies over a history with lost events (dropped, or not valid) would blame by what is missing.
            return anomaly.kind() == AnomalyKind.USE_AFTER_DESTROY ? afterDestroy(anomaly) : anomaly;
        }
        switch (anomaly.kind())
        {
            case REFCOUNT_BELOW_ZERO:
            case DESTROY_WITH_REFS:
            case REF_FROM_ZERO:
            case REACHED_ZERO_TWICE:
                return unbacked(anomaly, upTo);
            case USE_AFTER_DESTROY:
                return afterDestroy(anomaly);
            default:
                return anomaly;
        }
    }

    private Anomaly unbacked(final Anomaly anomaly, final int upTo)
    {
        final Map<Long, Owner> owners = new HashMap<>();
        final boolean oneOwner = oneOwner(upTo);
        if (!handOffs && !oneOwner)
        {
            return anomaly.kind() == AnomalyKind.REF_FROM_ZERO ? fromZero(anomaly) : onlyOwnerInDeficit(anomaly, upTo);
        }
        long pool = 0;
        for (final Event e : events)
        {
            if (e.position() > upTo)
            {
                break;
            }
            if (e.status() != EventStatus.VALID)
            {
                continue;
            }
            final Owner o = owners.computeIfAbsent(EventWindows.thread(e), t -> new Owner(name(e)));
            switch (e.effect())
            {
                case REF:
                    o.taken++;
                    o.held++;
                    o.lastReferenceHandedOver = null;
                    break;
                case HANDOFF:
                    if (o.held == 0)
                    {
                        return anomaly.withCause(o.name + " handed over a reference it did not hold (#" + e.position() +
                            ")", e);
                    }
                    o.held--;
                    o.handedOver++;
                    o.lastReferenceHandedOver = o.held == 0 ? e : null;
                    pool++;
                    break;
                case UNREF:
                    o.released++;
                    if (o.held > 0)
                    {
                        o.held--;
                    }
                    else if (pool > 0)
                    {
                        pool--;
                        o.received++;
                    }
                    else if (o.lastReferenceHandedOver != null)
                    {
                        // It gave its own reference away without taking one for the receiver, and still used it.
                        final Event handOff = o.lastReferenceHandedOver;
                        return anomaly.withCause(o.name + " handed over its last reference at #" + handOff.position() +
                            " without taking one for the receiver, then released one more at " +
                            "#" + e.position(), handOff);
                    }
                    else
                    {
                        final long held = o.taken + o.received - o.handedOver;
                        return anomaly.withCause(o.name + " released " + o.released + plural(o.released, " reference") +
                            " where it held " + held + " (#" + e.position() + " is one too many)", e);
                    }
                    break;
                default:
                    break;
            }
        }
        if (anomaly.kind() == AnomalyKind.DESTROY_WITH_REFS)
        {
            for (final Owner o : owners.values())
            {
                if (o.held > 0)
                {
                    return anomaly.withCause(o.name + " still held " + o.held + plural(o.held, " reference") +
                        " when it was destroyed", null);
                }
            }
            if (pool > 0)
            {
                return anomaly.withCause(pool + plural(pool, " reference") + " handed over never released", null);
            }
        }
        return anomaly.kind() == AnomalyKind.REF_FROM_ZERO ? fromZero(anomaly) : anomaly;
    }

    /**
     * With no hand-off logged, the one owner that released more references than it took, if only one did:
     * named at its last UNREF. References passed between threads without a HANDOFF verb make this a clue,
     * not a proof, and the line says so.
     */
    private Anomaly onlyOwnerInDeficit(final Anomaly anomaly, final int upTo)
    {
        final Map<Long, Owner> owners = new HashMap<>();
        final Map<Long, Event> lastUnref = new HashMap<>();
        for (final Event e : events)
        {
            if (e.position() > upTo)
            {
                break;
            }
            if (e.status() != EventStatus.VALID)
            {
                continue;
            }
            final Owner o = owners.computeIfAbsent(EventWindows.thread(e), t -> new Owner(name(e)));
            if (e.effect() == Effect.REF)
            {
                o.taken++;
            }
            else if (e.effect() == Effect.UNREF)
            {
                o.released++;
                lastUnref.put(EventWindows.thread(e), e);
            }
        }
        Owner inDeficit = null;
        long thread = 0;
        for (final Map.Entry<Long, Owner> entry : owners.entrySet())
        {
            if (entry.getValue().released > entry.getValue().taken)
            {
                if (inDeficit != null)
                {
                    return anomaly;
                }
                inDeficit = entry.getValue();
                thread = entry.getKey();
            }
        }
        return inDeficit == null ? anomaly : anomaly.withCause(inDeficit.name + " released " + inDeficit.released +
            plural(inDeficit.released, " reference") + " where it took " + inDeficit.taken + " (no hand-off logged)",
            lastUnref.get(thread));
    }

    private Anomaly fromZero(final Anomaly anomaly)
    {
        final Event ref = anomaly.event();
        return anomaly.withCause(name(ref) + " took a reference to an object whose count had reached zero", ref);
    }

    private Anomaly afterDestroy(final Anomaly anomaly)
    {
        Event destroy = null;
        for (final Event e : events)
        {
            if (e.status() == EventStatus.VALID && e.effect() == Effect.DESTROY)
            {
                destroy = e;
                break;
            }
        }
        final Event use = anomaly.event();
        return destroy == null ? anomaly : anomaly.withCause(name(use) + " used it after " + name(destroy) +
            " destroyed it at #" + destroy.position(), use);
    }

    /** Whether every event up to position {@code upTo} was kept and is valid. */
    private boolean complete(final int upTo)
    {
        int expected = 0;
        for (final Event e : events)
        {
            if (e.position() > upTo)
            {
                return true;
            }
            if (e.position() != expected || e.status() != EventStatus.VALID)
            {
                return false;
            }
            expected++;
        }
        return true;
    }

    private boolean oneOwner(final int upTo)
    {
        long owner = 0;
        boolean seen = false;
        for (final Event e : events)
        {
            if (e.position() > upTo)
            {
                break;
            }
            if (e.status() == EventStatus.VALID && (e.effect() == Effect.REF || e.effect() == Effect.UNREF))
            {
                if (seen && owner != EventWindows.thread(e))
                {
                    return false;
                }
                owner = EventWindows.thread(e);
                seen = true;
            }
        }
        return true;
    }

    private String name(final Event e)
    {
        return onePid ? e.threadName() : e.threadName() + " (pid " + e.pid() + ")";
    }

    private static String plural(final long n, final String word)
    {
        return n == 1 ? word : word + "s";
    }
}
