package org.structhist.audit;

import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.StaleHandleEvents;
import org.structhist.reader.WriterInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * Says what is wrong with a history, judging only what the file proves (docs/DESIGN.md, "What the audit
 * assumes and how it judges"). Where events carry the count their operation produced, it judges by
 * those counts ({@link CountJudge}); elsewhere by what the timestamps prove about the order of the
 * operations ({@link WindowJudge}); across dropped events by the writer's net of every claimed REF and
 * UNREF when it kept one. Each anomaly names the first event that proves it and, where the history shows
 * it, its cause ({@link Culprits}). One audit for every caller: {@code shdump}, the JUnit extension and
 * users' own tests.
 * <pre>{@code
 * try (HistoryReader reader = HistoryReader.open(path))
 * {
 *     HistoryAudit audit = new HistoryAudit(reader);
 *     for (ListInfo list : reader.lists())
 *         for (AuditedHistory h : audit.auditList(list))
 *             h.anomalies().forEach(a -> System.out.println(a.culpritLine()));
 * }
 * }</pre>
 */
public final class HistoryAudit
{
    /**
     * What a coarse timestamp may lag the time it stands for, on top of its ticker's period: a ticker thread
     * descheduled that long leaves the clock behind. A guess, not a bound the file proves: see DESIGN.md.
     */
    public static final long DEFAULT_COARSE_STALL_NANOS = 100_000_000L;

    private final HistoryReader reader;
    private final LongPredicate alive;
    private final LongUnaryOperator coarseSlackByPid;
    private final Map<Long, Boolean> aliveByPid = new HashMap<>();
    private final Map<Integer, Boolean> staleAttributedByList = new HashMap<>();

    public HistoryAudit(final HistoryReader reader)
    {
        this.reader = reader;
        this.alive = reader::isWriterAlive;
        this.coarseSlackByPid = pid -> reader.writer(pid).map(WriterInfo::coarseClockResolutionNanos).orElse(0L) +
            DEFAULT_COARSE_STALL_NANOS;
    }

    /**
     * An audit of histories that were not read from a file by this process (built by hand, or read
     * elsewhere): {@code alive} says whether a pid runs, {@code coarseSlackByPid} how far a coarse timestamp
     * of that pid may lag.
     */
    public HistoryAudit(final LongPredicate alive, final LongUnaryOperator coarseSlackByPid)
    {
        this.reader = null;
        this.alive = alive;
        this.coarseSlackByPid = coarseSlackByPid;
    }

    /**
     * Audits one incarnation read from the file. When the file attributes stale-handle events to the
     * pushes they belong to ({@link #evicted}), the occupant's own count of them is left to those.
     */
    public AuditedHistory audit(final Incarnation incarnation)
    {
        final List<Event> events = requireReader().events(incarnation);
        final AuditedHistory history = audit(settled(incarnation, events), events);
        return attributesStaleEvents(incarnation.list()) ? withoutStaleNote(history) : history;
    }

    /**
     * {@code incarnation} with its claimed net kept only if it agrees with {@code events}: in a file being
     * written, the net, the count of claimed positions and the events are read at different instants. Read
     * again after the events, an unchanged net and count mean every event read as VALID has its effect in the
     * net (a writer adds it before it commits the record); anything else, and the net is not used.
     */
    private Incarnation settled(final Incarnation incarnation, final List<Event> events)
    {
        if (!incarnation.claimedRefDeltaKnown())
        {
            return incarnation;
        }
        final Incarnation again = reader.incarnation(incarnation.handle()).orElse(null);
        final boolean beyond = !events.isEmpty() && events.get(events.size() - 1).position() >=
            incarnation.eventCount();
        if (again != null && again.pushNumber() == incarnation.pushNumber() &&
            again.eventCount() == incarnation.eventCount() && again.claimedRefDelta() ==
            incarnation.claimedRefDelta() &&
            !beyond)
        {
            return incarnation;
        }
        final Incarnation i = incarnation;
        return new Incarnation(i.list(), i.slot(), i.generation(), i.pushNumber(), i.handle(), i.address(),
            i.creatorPid(), i.creatorThreadId(), i.pushTimeNanos(), i.unref(), i.unrefTimeNanos(), i.eventCount(),
            i.staleEventsDropped(), i.headerValid(), Incarnation.UNKNOWN_REF_DELTA);
    }

    private boolean attributesStaleEvents(final ListInfo list)
    {
        return staleAttributedByList.computeIfAbsent(list.index(), i -> !reader.staleHandleEvents(list).isEmpty());
    }

    public AuditedHistory audit(final Incarnation incarnation, final List<Event> events)
    {
        final List<Anomaly> anomalies = new ArrayList<>();
        boolean anyAlive = isAlive(incarnation.creatorPid());
        Event destroy = null;
        Event caught = null;
        boolean countsDecide = false;
        boolean uncounted = false;
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID)
            {
                reportInvalid(e, i == events.size() - 1, anomalies);
                continue;
            }
            anyAlive |= isAlive(e.pid());
            if (e.effect() == Effect.REF || e.effect() == Effect.UNREF || e.effect() == Effect.DESTROY)
            {
                countsDecide |= e.hasCount();
                uncounted |= !e.hasCount();
            }
            if (e.effect() == Effect.CAUGHT && caught == null)
            {
                caught = e;
                anomalies.add(new Anomaly(AnomalyKind.CAUGHT_BY_LIBRARY, e, e.verb() + (e.hasCount() ? " with count " +
                    e.count() : ""), e.threadName() + " tried it: \"" + e.message() + "\"", e));
            }
            if (e.effect() == Effect.DESTROY)
            {
                if (destroy != null)
                {
                    anomalies.add(new Anomaly(AnomalyKind.DOUBLE_DESTROY, e,
                        "first DESTROY was #" + destroy.position()));
                }
                else
                {
                    destroy = e;
                }
            }
        }
        final EventWindows windows = new EventWindows(events, coarseSlackByPid);
        final Culprits culprits = new Culprits(events);
        // Counts decide wherever events carry them; the windows judge the rest (and order: use after destroy).
        final WindowJudge.Findings byWindows =
            WindowJudge.judge(incarnation, events, windows, uncounted || !countsDecide);
        final CountJudge.Findings byCounts = countsDecide ? CountJudge.judge(events, windows) : null;
        add(anomalies, culprits, first(byCounts == null ? null : byCounts.belowZero(), byWindows.belowZero()));
        add(anomalies, culprits, first(byCounts == null ? null : byCounts.fromZero(), byWindows.fromZero()));
        add(anomalies, culprits, byCounts == null ? null : byCounts.zeroTwice());
        add(anomalies, culprits,
            first(byCounts == null ? null : byCounts.destroyWithRefs(), byWindows.destroyWithRefs()));
        add(anomalies, culprits, byWindows.afterDestroy());
        if (incarnation.staleEventsDropped() > 0)
        {
            anomalies.add(new Anomaly(AnomalyKind.STALE_HANDLE_EVENTS, null, incarnation.staleEventsDropped() +
                " refused through handles of this slot's earlier occupants"));
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
            anomalies.add(new Anomaly(AnomalyKind.LEAK_AT_DEATH, events.isEmpty() ? null :
                events.get(events.size() - 1),
                "created by pid " + incarnation.creatorPid()));
        }
        else
        {
            state = LifeState.LIVE;
        }
        anomalies.sort(Comparator.comparingInt(HistoryAudit::position));
        return new AuditedHistory(incarnation, events, RefcountReplay.refcounts(incarnation, events), state, anomalies);
    }

    /**
     * Every incarnation of {@code list} in the window, oldest push first, audited, with what only the list
     * shows: an address pushed again while its previous incarnation was live. When the file attributes
     * stale-handle events to the pushes they belong to ({@link #evicted}), the occupants' own counts of
     * them are left to those.
     */
    public List<AuditedHistory> auditList(final ListInfo list)
    {
        final List<AuditedHistory> audited = new ArrayList<>();
        for (final Incarnation incarnation : requireReader().incarnations(list))
        {
            audited.add(audit(incarnation));
        }
        return pushedWhileLive(audited);
    }

    /**
     * An address pushed again in one list while the incarnation before it is live: no DESTROY and no
     * {@code unref()} before the new push, with every event it claimed read (a dropped or unreadable one
     * could be the DESTROY). {@code histories} are one list's, oldest push first.
     */
    public static List<AuditedHistory> pushedWhileLive(final List<AuditedHistory> histories)
    {
        final Map<Long, AuditedHistory> previousByAddress = new HashMap<>();
        final List<AuditedHistory> result = new ArrayList<>(histories.size());
        for (final AuditedHistory history : histories)
        {
            final Incarnation now = history.incarnation();
            if (!now.headerValid())
            {
                result.add(history);
                continue;
            }
            final AuditedHistory before = previousByAddress.put(now.address(), history);
            if (before == null || !liveAt(before, now.pushTimeNanos()))
            {
                result.add(history);
                continue;
            }
            final List<Anomaly> anomalies = new ArrayList<>(history.anomalies());
            final Incarnation b = before.incarnation();
            anomalies.add(new Anomaly(AnomalyKind.PUSHED_WHILE_LIVE, null, "push #" + b.pushNumber() + " (gen " +
                Integer.toUnsignedString(b.generation()) + ") of the same address had no DESTROY and no unref() " +
                "before this push"));
            anomalies.sort(Comparator.comparingInt(HistoryAudit::position));
            result.add(new AuditedHistory(now, history.events(), history.refcounts(), history.state(), anomalies));
        }
        return result;
    }

    private static boolean liveAt(final AuditedHistory before, final long pushTimeNanos)
    {
        final Incarnation b = before.incarnation();
        if (!b.headerValid() || b.eventCount() != before.events().size() ||
            before.events().stream().anyMatch(e -> e.status() != EventStatus.VALID))
        {
            return false; // an event it claimed is not readable: it may be the DESTROY
        }
        if (b.unref() && (b.unrefTimeNanos() == 0 || b.unrefTimeNanos() - pushTimeNanos <= 0))
        {
            return false; // unref'd before the push (or when is not known)
        }
        // A DESTROY logged even after the push may have been done before it: only one with none is live.
        return before.events().stream().noneMatch(e -> e.effect() == Effect.DESTROY);
    }

    private static AuditedHistory withoutStaleNote(final AuditedHistory history)
    {
        return new AuditedHistory(history.incarnation(), history.events(), history.refcounts(), history.state(),
            history.anomalies().stream().filter(a -> a.kind() != AnomalyKind.STALE_HANDLE_EVENTS).toList());
    }

    /**
     * The incarnations of {@code list} that left the window while holders kept logging through their
     * handles, as far as the file attributes those events (empty when it does not keep them).
     */
    public List<EvictedHistory> evicted(final ListInfo list)
    {
        final List<EvictedHistory> result = new ArrayList<>();
        for (final StaleHandleEvents stale : requireReader().staleHandleEvents(list))
        {
            result.add(judgeEvicted(stale, stale.netAtEviction()));
        }
        return result;
    }

    /** {@code netAtEviction} when the file does not say what the count was when the object left the window. */
    public static final long UNKNOWN_NET = StaleHandleEvents.UNKNOWN_NET;

    /**
     * An evicted push's stale-handle events: always a {@link AnomalyKind#STALE_HANDLE_EVENTS} note (the window
     * is too small to keep the object while it is used); a {@link AnomalyKind#REFCOUNT_BELOW_ZERO} of that
     * object only when the net of its life is known and below zero: {@code netAtEviction}, the writer's net
     * of its claimed REFs and UNREFs when it left the window, plus the stale events' net. Without the net at
     * eviction a stale UNREF cannot be told from the holder's last, rightful one.
     */
    public static EvictedHistory judgeEvicted(final StaleHandleEvents stale, final long netAtEviction)
    {
        final List<Anomaly> anomalies = new ArrayList<>();
        final long generation = stale.pushNumber() / Math.max(1, stale.list().window()) + 1;
        anomalies.add(new Anomaly(AnomalyKind.STALE_HANDLE_EVENTS, null, stale.events() + (stale.events() == 1 ?
            " event" : " events") + " through handles of push #" + stale.pushNumber() + " after it left the window " +
            "(net " + signed(stale.refDelta()) + " on its count)"));
        if (netAtEviction != UNKNOWN_NET && netAtEviction + stale.refDelta() < 0)
        {
            anomalies.add(new Anomaly(AnomalyKind.REFCOUNT_BELOW_ZERO, null, "refcount " +
                (netAtEviction + stale.refDelta()) + " after its stale-handle events", "an UNREF through a stale " +
                "handle of push #" + stale.pushNumber() + " released a reference nobody held: its count was " +
                netAtEviction + " when it left the window, and " + signed(stale.refDelta()) + " came after", null));
        }
        return new EvictedHistory(stale, generation, anomalies);
    }

    private static String signed(final long value)
    {
        return value > 0 ? "+" + value : String.valueOf(value);
    }

    private static Anomaly first(final Anomaly a, final Anomaly b)
    {
        if (a == null || b == null)
        {
            return a == null ? b : a;
        }
        return position(a) <= position(b) ? a : b;
    }

    private static void add(final List<Anomaly> anomalies, final Culprits culprits, final Anomaly anomaly)
    {
        if (anomaly != null)
        {
            anomalies.add(culprits.explain(anomaly));
        }
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

    private HistoryReader requireReader()
    {
        if (reader == null)
        {
            throw new IllegalStateException("this audit was made without a reader: pass the events");
        }
        return reader;
    }

    /** Whether process {@code pid} is alive, by the writer registry's identity when it has one. */
    public boolean isAlive(final long pid)
    {
        // Cached: one audit asks about the same few pids for every event.
        return aliveByPid.computeIfAbsent(pid, alive::test);
    }
}
