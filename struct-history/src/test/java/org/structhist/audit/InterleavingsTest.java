package org.structhist.audit;

import org.junit.jupiter.api.Test;
import org.structhist.reader.Event;
import org.structhist.reader.Incarnation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.Effect.DESTROY;
import static org.structhist.Effect.NONE;
import static org.structhist.Effect.REF;
import static org.structhist.Effect.UNREF;

/**
 * Correct code under random interleavings: the pattern every user writes, {@code int r =
 * refs.decrementAndGet(); sh.log(UNREF, "unref (%d)", r);}, from several threads of two processes, each
 * logging a random while after its operation, so log order and operation order disagree. No anomaly,
 * with or without counts, and with coarse timestamps that lag by up to the ticker's slack. The same with
 * one extra unref planted: always flagged with counts.
 */
class InterleavingsTest
{
    private static final int TRIALS = 2_000;
    private static final Scenario.Actor[] WORKERS = {
        new Scenario.Actor(100, 2, "w1"), new Scenario.Actor(100, 3, "w2"), new Scenario.Actor(100, 4, "w3"),
        new Scenario.Actor(200, 1, "w4"), new Scenario.Actor(200, 2, "w5"), new Scenario.Actor(200, 3, "w6")};

    /**
     * main creates the object (count 1) and lends it to every worker, each of which takes a reference of its
     * own, uses it and drops it; main drops its own once all have theirs; whoever drops the last one destroys
     * it. {@code extraUnref}: one worker drops its reference twice.
     */
    private static Scenario run(final Random random, final boolean extraUnref)
    {
        final Scenario s = new Scenario();
        s.op(Scenario.MAIN, REF, 0, "create (1)");
        // Counts in operation order, as decrementAndGet returns them: who reaches 0 destroys.
        final List<long[]> unrefs = new ArrayList<>(); // {opTime, worker index}
        long latestRef = 0;
        final long[] lastLog = new long[WORKERS.length];
        final int extraBy = extraUnref ? random.nextInt(WORKERS.length) : -2; // -1 is main
        for (int w = 0; w < WORKERS.length; w++)
        {
            final long refOp = 1 + random.nextInt(50);
            final long refLog = refOp + random.nextInt(30);
            s.op(WORKERS[w], REF, refOp, refLog, "ref");
            latestRef = Math.max(latestRef, refOp);
            final long useLog = refLog + 1 + random.nextInt(20);
            s.op(WORKERS[w], NONE, useLog, "use");
            lastLog[w] = useLog;
        }
        final long mainUnrefOp = latestRef + 1 + random.nextInt(20);
        unrefs.add(new long[] {mainUnrefOp, -1});
        for (int w = 0; w < WORKERS.length; w++)
        {
            final long op = lastLog[w] + 1 + random.nextInt(40);
            unrefs.add(new long[] {op, w});
        }
        unrefs.sort((a, b) -> Long.compare(a[0], b[0]));
        int count = 1 + WORKERS.length;
        for (final long[] u : unrefs)
        {
            count--;
            final Scenario.Actor actor = u[1] < 0 ? Scenario.MAIN : WORKERS[(int)u[1]];
            final long logTime = u[0] + random.nextInt(60);
            s.op(actor, UNREF, u[0], logTime, "unref");
            long last = logTime;
            if (u[1] == extraBy)
            {
                s.op(actor, UNREF, logTime + 1, logTime + 1 + random.nextInt(5), "unref again");
                last = logTime + 6;
            }
            if (count == 0 && !extraUnref)
            {
                s.op(actor, DESTROY, last + 1, last + 1 + random.nextInt(5), "free");
            }
        }
        return s;
    }

    @Test
    void correctCodeIsNeverFlaggedWhateverTheInterleaving()
    {
        final Random random = new Random(11);
        int inversions = 0;
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final Scenario s = run(random, false);
            for (final boolean counts : new boolean[] {false, true})
            {
                final AuditedHistory audited = s.audit(counts);
                assertEquals(List.of(), audited.anomalies(), "trial " + trial + " counts " +
                    counts + describe(audited));
            }
            inversions += logOrderSaysWrong(s.events(false)) ? 1 : 0;
        }
        // The test has teeth only if replaying log order would have flagged many of these correct runs.
        assertTrue(inversions > TRIALS / 4, "only " + inversions + " runs with log order inverted");
    }

    /** Whether replaying the events in log order (what the audit did before) sees an impossible history. */
    private static boolean logOrderSaysWrong(final List<Event> events)
    {
        long refs = 0;
        boolean destroyed = false;
        for (final Event e : events)
        {
            if (destroyed || refs + RefcountReplay.delta(e.effect()) < 0 || (e.effect() == DESTROY && refs > 0))
            {
                return true;
            }
            refs += RefcountReplay.delta(e.effect());
            destroyed = e.effect() == DESTROY;
        }
        return false;
    }

    @Test
    void coarseTimestampsThatLagByUpToTheSlackAreNoFalseAlarm()
    {
        final Random random = new Random(12);
        final long slack = 40;
        final HistoryAudit audit = new HistoryAudit(pid -> true, pid -> slack);
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final Scenario s = run(random, false);
            final List<Event> events = new ArrayList<>();
            for (final Event e : s.events(false))
            {
                // A coarse clock reads a time up to its slack behind the real one.
                final long lag = random.nextInt((int)slack + 1);
                events.add(new Event(e.position(), e.status(), e.timestampNanos() - lag, e.wallNanos(), e.pid(),
                    e.threadId(), e.threadName(), e.verb(), e.effect(), e.format(), e.args(), e.text(), false, true,
                    null, e.count()));
            }
            final Incarnation incarnation =
                s.incarnation(Scenario.list(16, 1 << 16, 8), 0, Incarnation.UNKNOWN_REF_DELTA);
            final AuditedHistory audited = audit.audit(incarnation, events);
            assertEquals(List.of(), audited.anomalies(), "trial " + trial + describe(audited));
        }
    }

    @Test
    void anExtraUnrefIsAlwaysFlaggedWithCounts()
    {
        final Random random = new Random(13);
        int flaggedWithoutCounts = 0;
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final Scenario s = run(random, true);
            final AuditedHistory audited = s.audit(true);
            assertTrue(audited.hasBug(), "trial " + trial + describe(audited));
            flaggedWithoutCounts += s.audit(false).hasBug() ? 1 : 0;
        }
        // Without counts the extra unref is proven only when the clocks leave no order in which it is fine.
        assertTrue(flaggedWithoutCounts > 0, "never flagged without counts");
    }

    private static String describe(final AuditedHistory history)
    {
        final StringBuilder sb = new StringBuilder("\n");
        for (final Event e : history.events())
        {
            sb.append('#').append(e.position()).append(" t=").append(e.timestampNanos()).append(' ')
                .append(e.threadName()).append(' ').append(e.verb()).append(e.hasCount() ? " (" + e.count() + ")" : "")
                .append('\n');
        }
        history.anomalies().forEach(a -> sb.append(a.culpritLine()).append('\n'));
        return sb.toString();
    }
}
