package org.structhist.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A history written as the operations happened: each one done at its operation time by an actor (pid and
 * thread), and logged at its log time, which is how a writer logs (after the operation). The count each
 * operation produced follows operation order, as an atomic counter's would; the events are in log order
 * (their positions), which under concurrency is not operation order. Events can be built with or without
 * the counts, and the middle ones dropped as the per-object limit drops them.
 */
final class Scenario
{
    record Actor(int pid, int threadId, String name)
    {
    }

    static final Actor MAIN = new Actor(100, 1, "main");
    static final Actor WORKER_1 = new Actor(100, 2, "worker-1");
    static final Actor WORKER_2 = new Actor(100, 3, "worker-2");
    static final Actor OTHER_PROCESS = new Actor(200, 1, "main");

    private record Op(int id, Actor actor, Effect effect, long opTime, long logTime, String message)
    {
    }

    private final List<Op> ops = new ArrayList<>();
    private long address = 0x1000;
    private long pushTime;

    /** Records an operation; returns its id, for {@link #position}. */
    int op(final Actor actor, final Effect effect, final long opTime, final long logTime, final String message)
    {
        if (logTime < opTime)
        {
            throw new IllegalArgumentException("an event is logged after its operation");
        }
        ops.add(new Op(ops.size(), actor, effect, opTime, logTime, message));
        return ops.size() - 1;
    }

    /** An operation logged at once (a thread with no race between its operation and its log). */
    int op(final Actor actor, final Effect effect, final long time, final String message)
    {
        return op(actor, effect, time, time, message);
    }

    Scenario address(final long value)
    {
        address = value;
        return this;
    }

    Scenario pushTime(final long nanos)
    {
        pushTime = nanos;
        return this;
    }

    private List<Op> logOrder()
    {
        final List<Op> byLog = new ArrayList<>(ops);
        byLog.sort(Comparator.comparingLong(Op::logTime).thenComparingInt(Op::id));
        return byLog;
    }

    /** The position op {@code id} was logged at. */
    int position(final int id)
    {
        return logOrder().indexOf(ops.get(id));
    }

    /** The counts each op produced, in op order: what {@code incrementAndGet}/{@code decrementAndGet} returned. */
    private int[] counts()
    {
        final List<Op> byOp = new ArrayList<>(ops);
        byOp.sort(Comparator.comparingLong(Op::opTime).thenComparingInt(Op::id));
        final int[] counts = new int[ops.size()];
        int count = 0;
        for (final Op op : byOp)
        {
            count += RefcountReplay.delta(op.effect());
            counts[op.id()] = count;
        }
        return counts;
    }

    /** Every event, in log order. */
    List<Event> events(final boolean withCounts)
    {
        final int[] counts = counts();
        final List<Event> events = new ArrayList<>();
        int position = 0;
        for (final Op op : logOrder())
        {
            events.add(new Event(position++, EventStatus.VALID, op.logTime(), op.logTime(), op.actor().pid(),
                op.actor().threadId(), op.actor().name(), op.effect().name(), op.effect(), op.message(), new long[0],
                null, false, false, null, withCounts ? counts[op.id()] : Event.NO_COUNT));
        }
        return events;
    }

    /** The net of every REF and UNREF: what a writer that keeps it would have kept. */
    long net()
    {
        return ops.stream().mapToLong(op -> RefcountReplay.delta(op.effect())).sum();
    }

    /**
     * The list the histories are in: its geometry only matters for what is kept. Built by its record
     * components' names, so that a counter the reader adds to ListInfo (0 here) does not break these tests.
     */
    static ListInfo list(final int window, final int eventsPerObject, final int pinnedFirst)
    {
        final RecordComponent[] components = ListInfo.class.getRecordComponents();
        final Object[] values = new Object[components.length];
        final Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++)
        {
            types[i] = components[i].getType();
            values[i] = switch (components[i].getName())
            {
                case "name" -> "planted";
                case "window" -> window;
                case "eventsPerObject" -> eventsPerObject;
                case "pinnedFirst" -> pinnedFirst;
                case "entrySize" -> 64;
                case "creatorPid" -> (long)MAIN.pid();
                case "totalPushed" -> (long)window;
                default -> types[i] == int.class ? (Object)0 : types[i] == long.class ? (Object)0L :
                    types[i] == boolean.class ? (Object)false : null;
            };
        }
        try
        {
            return ListInfo.class.getDeclaredConstructor(types).newInstance(values);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("cannot build a ListInfo", ex);
        }
    }

    Incarnation incarnation(final ListInfo list, final long pushNumber, final long claimedRefDelta)
    {
        return new Incarnation(list, (int)(pushNumber % list.window()),
            (int)(pushNumber / list.window()) + 1, pushNumber,
            (1L << 56) | pushNumber, address, MAIN.pid(), MAIN.threadId(), pushTime, false, 0, ops.size(), 0, true,
            claimedRefDelta);
    }

    /** Audits every event (nothing dropped), with or without counts, without the writer's net. */
    AuditedHistory audit(final boolean withCounts)
    {
        final ListInfo list = list(16, 1 << 16, 8);
        return audit().audit(incarnation(list, 0, Incarnation.UNKNOWN_REF_DELTA), events(withCounts));
    }

    /**
     * Audits what a list keeping the first {@code pinned} and the newest {@code ring} events keeps, with
     * the writer's net of every claimed event when {@code netKept}.
     */
    AuditedHistory auditKept(final int pinned, final int ring, final boolean withCounts, final boolean netKept)
    {
        final ListInfo list = list(16, pinned + ring, pinned);
        final List<Event> all = events(withCounts);
        final List<Event> kept = new ArrayList<>();
        for (final Event e : all)
        {
            if (e.position() < pinned || e.position() >= all.size() - ring)
            {
                kept.add(e);
            }
        }
        return audit().audit(incarnation(list, 0, netKept ? net() : Incarnation.UNKNOWN_REF_DELTA), kept);
    }

    /** An audit for which every writer is alive and no clock is coarse. */
    static HistoryAudit audit()
    {
        return new HistoryAudit(pid -> true, pid -> 0);
    }
}
