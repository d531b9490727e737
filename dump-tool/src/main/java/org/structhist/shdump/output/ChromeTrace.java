package org.structhist.shdump.output;

import org.structhist.render.Times;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.shdump.cli.Address;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AuditedHistory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code export --format chrome}: a Trace Event Format file (the JSON object form) that
 * ui.perfetto.dev and chrome://tracing open. Each list is a process ({@code pid} = list index + 1,
 * named "list NAME"); each incarnation a thread of it ({@code tid} = list index * 2^24 + slot + 1,
 * named "0xADDR gen G", sorted by push); its lifetime a complete ("X") slice from push to last event;
 * each valid event an instant named by its verb; each anomaly an instant of category "anomaly". One
 * trace event per line.
 *
 * <p>Timestamps are microseconds since the file's clock base ({@code otherData.timeBaseNanos}, epoch
 * ns), written exactly to the nanosecond: epoch microseconds (about 1.7e15) are past where a double
 * keeps sub-microsecond digits, and viewers parse {@code ts} as a double. The same file gives the same
 * timestamps whatever was selected, so two exports line up.
 *
 * <p>Tids are unique in the whole trace, not only within their process: Perfetto, like Linux, keys
 * threads by tid alone, and would take one tid in two lists for a thread reused by another process. A
 * window holds at most 2^24 slots and a file at most 255 lists, so the tid fits the 32 bits viewers read.
 */
public final class ChromeTrace implements HistoryExport
{
    private final HistoryReader reader;
    private final long baseNanos;
    private final Map<Integer, Integer> tracksByList = new HashMap<>();
    private boolean firstEvent = true;

    public ChromeTrace(final HistoryReader reader)
    {
        this.reader = reader;
        this.baseNanos = reader.clockBaseWallNanos();
    }

    @Override
    public void begin(final Appendable out) throws IOException
    {
        out.append("{\"traceEvents\":[");
    }

    @Override
    public void history(final Appendable out, final AuditedHistory history) throws IOException
    {
        final Incarnation incarnation = history.incarnation();
        final int pid = incarnation.list().index() + 1;
        final long tid = ((long)incarnation.list().index() << 24) + incarnation.slot() + 1;
        final String track = Address.format(incarnation.address()) + " gen " +
            Integer.toUnsignedString(incarnation.generation());
        nameTrack(out, history, pid, tid, track);

        final Lifetime lifetime = Lifetime.of(reader, history);
        if (lifetime.known())
        {
            emit(out, event("X", track, "lifetime", pid, tid, lifetime.start())
                .decimal("dur", lifetime.end() - lifetime.start(), 3)
                .field("args", lifetimeArgs(history, lifetime)));
        }
        long dropped = 0;
        int expected = 0;
        for (int i = 0; i < history.events().size(); i++)
        {
            final Event e = history.events().get(i);
            dropped += e.position() - expected;
            expected = e.position() + 1;
            if (e.status() != EventStatus.VALID)
            {
                continue; // no trustworthy time; the anomalies below report the ones that matter
            }
            if (dropped > 0)
            {
                emit(out, droppedMarker(pid, tid, e.wallNanos(), dropped, history));
                dropped = 0;
            }
            final long refs = history.refcounts()[i];
            emit(out, event("i", e.verb(), "event", pid, tid, e.wallNanos()).field("s", "t")
                .field("args", Json.object()
                    .field("message", e.message())
                    .field("refs", refs, refs != AuditedHistory.UNKNOWN)
                    .field("pid", e.pid())
                    .field("thread", e.threadName())
                    .field("position", e.position())
                    .field("effect", e.effect().name())
                    .field("time", Times.iso(e.wallNanos()))));
        }
        if (dropped > 0 && lifetime.known())
        {
            emit(out, droppedMarker(pid, tid, lifetime.end(), dropped, history));
        }
        if (lifetime.unrefNanos() != 0)
        {
            emit(out, event("i", "unref", "lifetime", pid, tid, lifetime.unrefNanos()).field("s", "t")
                .field("args", Json.object().field("time", Times.iso(lifetime.unrefNanos()))));
        }
        for (final Anomaly anomaly : history.anomalies())
        {
            emit(out, anomaly(anomaly, pid, tid, lifetime));
        }
    }

    @Override
    public void end(final Appendable out) throws IOException
    {
        out.append(firstEvent ? "" : "\n").append("],\"displayTimeUnit\":\"ns\",\"otherData\":")
            .append(Json.object()
                .field("file", reader.name())
                .field("formatVersion", reader.formatVersion())
                .field("timeBase", Times.iso(baseNanos))
                .field("timeBaseNanos", baseNanos)
                .toString())
            .append("}\n");
    }

    /** The metadata naming the list's process (once per list) and this incarnation's thread. */
    private void nameTrack(final Appendable out, final AuditedHistory history, final int pid, final long tid,
        final String track) throws IOException
    {
        final Incarnation incarnation = history.incarnation();
        final Integer tracks = tracksByList.get(pid);
        if (tracks == null)
        {
            emit(out, metadata("process_name", pid, null,
                Json.object().field("name", "list " + incarnation.list().name())));
            emit(out, metadata("process_sort_index", pid, null, Json.object().field("sort_index", pid)));
        }
        final int sortIndex = tracks == null ? 0 : tracks;
        tracksByList.put(pid, sortIndex + 1);
        emit(out, metadata("thread_name", pid, tid, Json.object().field("name", track)));
        // Viewers sort threads by tid (the slot) otherwise; push order reads like the window does.
        emit(out, metadata("thread_sort_index", pid, tid, Json.object().field("sort_index", sortIndex)));
    }

    private Json lifetimeArgs(final AuditedHistory history, final Lifetime lifetime)
    {
        final Incarnation i = history.incarnation();
        final long refs = history.refcountNow();
        return Json.object()
            .field("state", history.state().name().toLowerCase(java.util.Locale.ROOT))
            .field("push", i.pushNumber())
            .field("pushed", lifetime.pushNanos() == 0 ? null : Times.iso(lifetime.pushNanos()))
            .field("creatorPid", i.creatorPid())
            .field("creatorThread", reader.threadName(i.creatorPid(), i.creatorThreadId()))
            .field("events", i.eventCount())
            .field("dropped", i.droppedEvents())
            .field("staleDropped", i.staleEventsDropped())
            .field("refs", refs, refs != AuditedHistory.UNKNOWN)
            .field("anomalies", history.anomalies().stream().map(a -> a.kind().name()).toList());
    }

    private Json droppedMarker(final int pid, final long tid, final long wallNanos, final long dropped,
        final AuditedHistory history)
    {
        return event("i", dropped + " events dropped", "dropped", pid, tid, wallNanos).field("s", "t")
            .field("args", Json.object()
                .field("dropped", dropped)
                .field("why", "the first " + history.incarnation().list().pinnedFirst() +
                    " and the newest events are kept; refcounts after this are unknown"));
    }

    private Json anomaly(final Anomaly anomaly, final int pid, final long tid, final Lifetime lifetime)
    {
        final Event e = anomaly.event();
        final boolean timed = e != null && e.status() == EventStatus.VALID;
        // Without an event of its own (a leak, stale drops, a record with no valid time), an anomaly is
        // pinned to the end of the lifetime, or to the time base when nothing in the history has a time.
        final long wallNanos = timed ? e.wallNanos() : lifetime.known() ? lifetime.end() : baseNanos;
        return event("i", anomaly.kind().name(), "anomaly", pid, tid, wallNanos).field("s", "t")
            .field("cname", "terrible")
            .field("args", Json.object()
                .field("kind", anomaly.kind().name())
                .field("flag", anomaly.kind().flag())
                .field("description", anomaly.kind().description())
                .field("detail", anomaly.detail())
                .field("position", e == null ? 0 : e.position(), e != null)
                .field("time", timed ? Times.iso(e.wallNanos()) : null));
    }

    private Json event(final String phase, final String name, final String category, final int pid, final long tid,
        final long wallNanos)
    {
        return Json.object()
            .field("name", name)
            .field("cat", category)
            .field("ph", phase)
            .decimal("ts", wallNanos - baseNanos, 3)
            .field("pid", pid)
            .field("tid", tid);
    }

    private static Json metadata(final String name, final int pid, final Long tid, final Json args)
    {
        final Json json = Json.object().field("name", name).field("ph", "M").field("pid", pid);
        if (tid != null)
        {
            json.field("tid", tid);
        }
        return json.field("args", args);
    }

    private void emit(final Appendable out, final Json event) throws IOException
    {
        out.append(firstEvent ? "\n" : ",\n");
        event.appendTo(out);
        firstEvent = false;
    }

    /**
     * When an incarnation lived, as far as its history shows: from its push (or its first valid event,
     * if earlier: clocks of different processes may differ a little) to its last valid event or its
     * unref, epoch ns. {@code start == 0} when nothing in it has a trustworthy time.
     */
    private record Lifetime(long start, long end, long pushNanos, long unrefNanos)
    {
        static Lifetime of(final HistoryReader reader, final AuditedHistory history)
        {
            final Incarnation i = history.incarnation();
            final long push = i.headerValid() ? reader.wallNanos(i.creatorPid(), i.pushTimeNanos()) : 0;
            final long unref = i.unref() && i.unrefTimeNanos() != 0 ?
                reader.wallNanos(i.creatorPid(), i.unrefTimeNanos()) : 0;
            long start = push;
            long end = Math.max(push, unref);
            for (final Event e : history.events())
            {
                if (e.status() == EventStatus.VALID)
                {
                    start = start == 0 ? e.wallNanos() : Math.min(start, e.wallNanos());
                    end = Math.max(end, e.wallNanos());
                }
            }
            return new Lifetime(start, start == 0 ? 0 : end, push, unref);
        }

        boolean known()
        {
            return start != 0;
        }
    }
}
