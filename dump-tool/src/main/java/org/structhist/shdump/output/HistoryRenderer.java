package org.structhist.shdump.output;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.shdump.cli.Address;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.render.HistoryTextRenderer;
import org.structhist.render.Times;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Predicate;

/**
 * Prints one audited history as {@code shdump show} does: the text comes from the library's
 * {@link HistoryTextRenderer} (the JUnit extension prints histories with it too); its JSON lines form
 * (field names in docs/CLI.md) is shdump's own.
 */
public final class HistoryRenderer
{
    private final HistoryReader reader;
    private final HistoryTextRenderer text;

    public HistoryRenderer(final HistoryReader reader, final HistoryAudit audit, final Style style)
    {
        this.reader = reader;
        this.text = new HistoryTextRenderer(reader, audit, style);
    }

    /** The incarnation's header line. */
    public String header(final AuditedHistory history)
    {
        return text.header(history);
    }

    /** Prints the history; {@code shown} selects the event rows (markers and anomalies always show). */
    public void print(final PrintWriter out, final AuditedHistory history, final Predicate<Event> shown)
    {
        text.print(out, history, shown, null);
    }

    /**
     * As {@link #print(PrintWriter, AuditedHistory, Predicate)}, with {@code note} (if not null) under the header line.
     */
    public void print(final PrintWriter out, final AuditedHistory history,
        final Predicate<Event> shown, final String note)
    {
        text.print(out, history, shown, note);
    }

    /** See {@link HistoryTextRenderer#refsCell}. */
    static String refsCell(final Event e, final long computed)
    {
        return HistoryTextRenderer.refsCell(e, computed);
    }

    /** See {@link HistoryTextRenderer#incarnationNumber}. */
    public int incarnationNumber(final Incarnation i)
    {
        return text.incarnationNumber(i);
    }

    /** See {@link HistoryTextRenderer#numberFrom}. */
    public void numberFrom(final List<Incarnation> all)
    {
        text.numberFrom(all);
    }

    /** The incarnation as one JSON object (the "incarnation" line of show/objects --json). */
    public Json incarnationJson(final AuditedHistory history)
    {
        final Incarnation i = history.incarnation();
        final long refs = history.refcountNow();
        return Json.object()
            .field("type", "incarnation")
            .field("list", i.list().name())
            .field("address", Address.format(i.address()))
            .field("generation", Integer.toUnsignedLong(i.generation()))
            .field("incarnation", incarnationNumber(i), incarnationNumber(i) > 0)
            .field("push", i.pushNumber())
            .field("handle", "0x" + Long.toHexString(i.handle()))
            .field("headerValid", i.headerValid())
            .field("creatorPid", i.creatorPid())
            .field("creatorThread", reader.threadName(i.creatorPid(), i.creatorThreadId()))
            .field("pushed", i.headerValid() ? Times.iso(reader.wallNanos(i.creatorPid(), i.pushTimeNanos())) : null)
            .field("state", history.state().name().toLowerCase(java.util.Locale.ROOT))
            .field("events", i.eventCount())
            .field("dropped", i.droppedEvents())
            .field("staleDropped", i.staleEventsDropped())
            .field("refs", refs, refs != AuditedHistory.UNKNOWN)
            .field("anomalies", history.anomalies().stream().map(a -> a.kind().name()).toList());
    }

    /** One event as a JSON object (the "event" lines of show --json and export --format json). */
    public Json eventJson(final AuditedHistory history, final int index)
    {
        return eventJson(history.incarnation(), history.events().get(index), history.refcounts()[index]);
    }

    /**
     * One event of {@code i} as a JSON object, with the running refcount after it ({@link AuditedHistory#UNKNOWN}
     * when not known): the form every command that prints events as JSON lines shares (show, tail).
     */
    public static Json eventJson(final Incarnation i, final Event e, final long refs)
    {
        final Json json = Json.object()
            .field("type", "event")
            .field("list", i.list().name())
            .field("address", Address.format(i.address()))
            .field("generation", Integer.toUnsignedLong(i.generation()))
            .field("position", e.position())
            .field("status", e.status().name());
        if (e.status() != EventStatus.VALID)
        {
            return json.field("pid", e.pid());
        }
        return json
            .field("time", Times.iso(e.wallNanos()))
            .field("timeNanos", e.wallNanos())
            .field("coarseClock", e.coarseClock())
            .field("pid", e.pid())
            .field("threadId", e.threadId())
            .field("thread", e.threadName())
            .field("verb", e.verb())
            .field("effect", e.effect().name())
            .field("format", e.format())
            .field("args", e.args())
            .field("text", e.text())
            .field("textTruncated", e.textTruncated())
            .field("message", e.message())
            .field("refs", refs, refs != AuditedHistory.UNKNOWN)
            .field("stack", e.stack())
            .field("count", e.count(), e.hasCount());
    }
}
