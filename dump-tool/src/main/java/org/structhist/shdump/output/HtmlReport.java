package org.structhist.shdump.output;

import org.structhist.audit.Anomaly;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.shdump.cli.Address;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained HTML page of histories ({@code show --html}, {@code check --html}): per incarnation its
 * header line as {@code show} prints it, its {@link HtmlTimeline}, and its anomalies in the words
 * {@code check} prints. Bounded like every command's output: at most {@link #MAX_SECTIONS} incarnations,
 * {@link HtmlTimeline#MAX_DRAWN} events drawn in each, {@link HtmlText#MAX_CHARS} characters of each text.
 */
public final class HtmlReport
{
    /** Incarnations drawn on one page at most; the page says how many more there were. */
    public static final int MAX_SECTIONS = 100;

    private final HistoryRenderer renderer;
    private final String title;
    private final StringBuilder summary = new StringBuilder();
    private final StringBuilder sections = new StringBuilder();
    private int count;
    private int left;

    public HtmlReport(final HistoryReader reader, final HistoryAudit audit, final String title)
    {
        this.renderer = new HistoryRenderer(reader, audit, Style.plain());
        this.title = title;
    }

    /** The renderer that names the incarnations (so {@code show} can number them from what it found). */
    public HistoryRenderer renderer()
    {
        return renderer;
    }

    /**
     * Writes a page of every incarnation of {@code address} in {@code historyFile} (oldest first) to
     * {@code file}, which appears complete or not at all (replaced if it exists); returns how many
     * incarnations it drew, 0 when none is in the window (then no file is written). The one call the demo
     * needs: {@code HtmlReport.write(reader, historyPath, victim, "victim.html")}.
     */
    public static int write(final HistoryReader reader, final Path historyFile, final long address, final String file)
    {
        final HistoryAudit audit = new HistoryAudit(reader);
        final HtmlReport report = new HtmlReport(reader, audit, "shdump --obj " + Address.format(address));
        final List<Incarnation> all = reader.incarnationsOf(address);
        if (all.isEmpty())
        {
            return 0;
        }
        report.renderer().numberFrom(all);
        for (final AuditedHistory history : audited(audit, all))
        {
            report.add(history);
        }
        report.writeTo(file, historyFile);
        return report.drawn();
    }

    /** Each incarnation audited, with what only its list shows (pushed again while live), list by list. */
    public static List<AuditedHistory> audited(final HistoryAudit audit, final List<Incarnation> found)
    {
        final java.util.Map<Integer, List<AuditedHistory>> byList = new java.util.LinkedHashMap<>();
        for (final Incarnation incarnation : found)
        {
            byList.computeIfAbsent(incarnation.list().index(), i -> new ArrayList<>()).add(audit.audit(incarnation));
        }
        final List<AuditedHistory> result = new ArrayList<>();
        byList.values().forEach(histories -> result.addAll(HistoryAudit.pushedWhileLive(histories)));
        return result;
    }

    /** Adds one incarnation's section, or counts it as not drawn past {@link #MAX_SECTIONS}. */
    public void add(final AuditedHistory history)
    {
        if (count == MAX_SECTIONS)
        {
            left++;
            return;
        }
        count++;
        final String id = "s" + count;
        final Incarnation incarnation = history.incarnation();
        final String address = Address.format(incarnation.address());
        sections.append("<section id=\"").append(id).append("\"><h2>").append(HtmlText.escape(renderer.header(history)))
            .append("</h2>\n");
        final HtmlTimeline timeline = new HtmlTimeline(history);
        timeline.appendTo(sections, id);
        if (history.events().size() > HtmlTimeline.MAX_DRAWN)
        {
            sections.append("<p class=\"note\">").append(history.events().size() - HtmlTimeline.MAX_DRAWN)
                .append(" of its ").append(history.events().size()).append(" kept events are not drawn (the first and ")
                .append("last ").append(HtmlTimeline.MAX_DRAWN / 2).append(" are): shdump show lists them all.</p>\n");
        }
        final List<String> invalid = new ArrayList<>();
        for (final Event e : history.events())
        {
            if (e.status() != EventStatus.VALID)
            {
                invalid.add("#" + e.position() + " " + e.status().name().toLowerCase(java.util.Locale.ROOT) +
                    (e.pid() == 0 ? "" : " (pid field " + e.pid() + ")"));
            }
        }
        if (!invalid.isEmpty())
        {
            sections.append("<p class=\"note\">Records that are not valid events (not drawn): ")
                .append(HtmlText.escape(String.join(", ", invalid.subList(0, Math.min(20, invalid.size())))))
                .append(invalid.size() > 20 ? " …" : "").append("</p>\n");
        }
        if (!history.anomalies().isEmpty())
        {
            sections.append("<ul class=\"anomalies\">");
            for (final Anomaly anomaly : history.anomalies())
            {
                final String line = checkWords(anomaly);
                sections.append("<li>").append(HtmlText.escape(line)).append("</li>");
                summary.append("<li><a href=\"#").append(id).append("\">").append(HtmlText.escape(address))
                    .append("</a> ").append(HtmlText.escape(line)).append("</li>");
            }
            sections.append("</ul>\n");
        }
        sections.append("</section>\n");
    }

    /**
     * An anomaly in the words of {@code check}'s row: its kind, the event that proves it, and the DETAIL
     * column (the kind's description, the detail, the event's message, the cause).
     */
    static String checkWords(final Anomaly anomaly)
    {
        final Event e = anomaly.event();
        final boolean valid = e != null && e.status() == EventStatus.VALID;
        final StringBuilder sb = new StringBuilder(anomaly.kind().name());
        if (e != null)
        {
            sb.append(" #").append(e.position()).append(" pid ").append(e.pid());
            if (valid)
            {
                sb.append(' ').append(e.threadName()).append(' ').append(e.verb());
            }
        }
        sb.append(": ").append(anomaly.kind().description()).append(": ").append(anomaly.detail());
        if (valid && !e.message().isEmpty())
        {
            sb.append(" [").append(e.message()).append(']');
        }
        if (anomaly.cause() != null)
        {
            sb.append("; cause: ").append(anomaly.cause());
        }
        return sb.toString();
    }

    /** How many incarnations were drawn. */
    public int drawn()
    {
        return count;
    }

    /** The whole page. */
    public String page()
    {
        final StringBuilder body = new StringBuilder(sections.length() + summary.length() + 1024);
        body.append("<h1>").append(HtmlText.escape(title)).append("</h1>\n");
        body.append("<p class=\"key\"><span><i class=\"sw ref\"></i>REF</span><span><i class=\"sw unref\"></i>UNREF")
            .append("</span><span><i class=\"sw destroy\"></i>DESTROY</span><span><i class=\"sw handoff-mark\"></i>")
            .append("HANDOFF (arrow to the next event in another lane)</span><span><i class=\"sw other\"></i>other")
            .append("</span><span><i class=\"sw anomaly\"></i>anomaly proven here (dashed square: the culprit)</span>")
            .append(" Hover a mark for its event; wheel over a chart to zoom its time axis, double-click to reset.")
            .append("</p>\n");
        if (summary.length() > 0)
        {
            body.append("<h2>Anomalies</h2><ul class=\"anomalies summary\">").append(summary).append("</ul>\n");
        }
        if (count == 0)
        {
            body.append("<p>No history to draw.</p>\n");
        }
        body.append(sections);
        if (left > 0)
        {
            body.append("<p class=\"note\">").append(left).append(" more incarnations not drawn (at most ")
                .append(MAX_SECTIONS).append(" on one page).</p>\n");
        }
        return HtmlPage.page(title, body);
    }

    /** Writes the page to {@code file}, complete or not at all; never over {@code historyFile}. */
    public void writeTo(final String file, final Path historyFile)
    {
        try (ExportTarget target = ExportTarget.file(file, true, historyFile))
        {
            target.writer().write(page());
            target.commit();
        }
        catch (final IOException ex)
        {
            throw ExportTarget.cannotWrite(file, ex);
        }
    }
}
