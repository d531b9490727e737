package org.structhist.shdump.output;

import org.structhist.Effect;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AuditedHistory;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.render.Times;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One incarnation's life as inline SVG: a lane per process and thread, each kept event a mark at its
 * time coloured by its verb's effect with its message on hover, the refcount as a step line over the same
 * time axis (solid where the writer logged the count, dashed where it is computed from the verbs), an
 * arrow from each HANDOFF to the next event in another lane, and a band with its count wherever events
 * are missing (dropped by the file, or not drawn because of {@link #MAX_DRAWN}).
 * <p>
 * The time axis is split at every such band: each run of consecutive positions has its own linear scale,
 * its width in proportion to its events, so the pinned first events and the newest stay readable when
 * hours lie between them. The marks and lanes are in one SVG whose viewBox the page's script zooms; the
 * lane names are in another that stays put.
 */
final class HtmlTimeline
{
    /** Kept events drawn per incarnation at most: the first and last half of it, a band for the rest. */
    static final int MAX_DRAWN = 2000;

    static final int PLOT_WIDTH = 1000;
    static final int LABEL_WIDTH = 220;
    private static final int TOP = 8;
    private static final int LANE_HEIGHT = 22;
    private static final int COUNT_HEIGHT = 90;
    private static final int AXIS_HEIGHT = 26;
    private static final int GAP_WIDTH = 80;

    private final AuditedHistory history;
    private final List<Event> events;
    private final Map<Long, Integer> laneOf = new LinkedHashMap<>();
    private final List<String> laneNames = new ArrayList<>();
    private final double[] x;
    private final List<Piece> pieces = new ArrayList<>();

    /** A run of consecutive kept events drawn on one scale, or a band for missing ones. */
    private record Piece(int from, int to, long missing, String why, double left, double width)
    {
        boolean isGap()
        {
            return why != null;
        }
    }

    HtmlTimeline(final AuditedHistory history)
    {
        this.history = history;
        this.events = history.events();
        this.x = new double[events.size()];
        final List<Event> firstOfLane = new ArrayList<>();
        for (final Event e : events)
        {
            if (e.status() == EventStatus.VALID)
            {
                laneOf.computeIfAbsent(lane(e), k ->
                {
                    firstOfLane.add(e);
                    return firstOfLane.size() - 1;
                });
            }
        }
        final Map<String, Integer> sameName = new HashMap<>();
        firstOfLane.forEach(e -> sameName.merge(e.pid() + " " + e.threadName(), 1, Integer::sum));
        for (final Event e : firstOfLane)
        {
            // Two threads of one name (a pool's recycled name) are two lanes: their ids tell them apart.
            final boolean twin = sameName.get(e.pid() + " " + e.threadName()) > 1;
            laneNames.add("pid " + e.pid() + " " + e.threadName() +
                (twin ? " (tid " + Integer.toUnsignedString(e.threadId()) + ")" : ""));
        }
        layOut();
    }

    private static long lane(final Event e)
    {
        return ((long)e.pid() << 32) | (e.threadId() & 0xffffffffL);
    }

    /** Whether the kept event at {@code index} is drawn (the cap keeps the first and the last half). */
    boolean drawn(final int index)
    {
        return events.size() <= MAX_DRAWN || index < MAX_DRAWN / 2 || index >= events.size() - MAX_DRAWN / 2;
    }

    int lanes()
    {
        return laneNames.size();
    }

    private void layOut()
    {
        // Runs of consecutive drawn positions, and the bands between them.
        final List<int[]> runs = new ArrayList<>();
        final List<Object[]> gaps = new ArrayList<>();
        int expected = 0;
        int runStart = -1;
        for (int i = 0; i < events.size(); i++)
        {
            if (!drawn(i))
            {
                continue;
            }
            final Event e = events.get(i);
            final boolean capped = i > 0 && !drawn(i - 1);
            if (runStart >= 0 && (e.position() != expected || capped))
            {
                runs.add(new int[] {runStart, i});
                gaps.add(capped ? new Object[] {(long)(i - MAX_DRAWN / 2), "kept, not drawn"} :
                    new Object[] {(long)e.position() - expected, "dropped"});
                runStart = i;
            }
            else if (runStart < 0)
            {
                if (e.position() != 0)
                {
                    gaps.add(new Object[] {(long)e.position(), "dropped"});
                    runs.add(new int[] {0, 0});
                }
                runStart = i;
            }
            expected = e.position() + 1;
        }
        if (runStart >= 0)
        {
            runs.add(new int[] {runStart, events.size()});
        }
        final int drawnCount = Math.min(events.size(), MAX_DRAWN);
        final double forRuns = PLOT_WIDTH - GAP_WIDTH * (double)gaps.size();
        double left = 0;
        for (int r = 0; r < runs.size(); r++)
        {
            final int[] run = runs.get(r);
            final double width = drawnCount == 0 ? 0 : forRuns * (run[1] - run[0]) / drawnCount;
            pieces.add(new Piece(run[0], run[1], 0, null, left, width));
            place(run[0], run[1], left, width);
            left += width;
            if (r < gaps.size())
            {
                pieces.add(new Piece(run[1], run[1], (Long)gaps.get(r)[0], (String)gaps.get(r)[1], left, GAP_WIDTH));
                left += GAP_WIDTH;
            }
        }
    }

    /** Each valid event of the run at its time on the run's own scale; events of one instant spread by order. */
    private void place(final int from, final int to, final double left, final double width)
    {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = from; i < to; i++)
        {
            final Event e = events.get(i);
            if (e.status() == EventStatus.VALID)
            {
                min = Math.min(min, e.wallNanos());
                max = Math.max(max, e.wallNanos());
            }
        }
        final double margin = Math.min(12, width / 4);
        for (int i = from; i < to; i++)
        {
            final Event e = events.get(i);
            final double byOrder = to - from <= 1 ? 0.5 : (double)(i - from) / (to - from - 1);
            final double fraction = max > min && e.status() == EventStatus.VALID ?
                (double)(e.wallNanos() - min) / (max - min) : byOrder;
            x[i] = left + margin + fraction * Math.max(0, width - 2 * margin);
        }
    }

    private double laneY(final Event e)
    {
        return TOP + laneOf.get(lane(e)) * LANE_HEIGHT + LANE_HEIGHT / 2.0;
    }

    private int countTop()
    {
        return TOP + laneNames.size() * LANE_HEIGHT + 10;
    }

    private int height()
    {
        return countTop() + COUNT_HEIGHT + AXIS_HEIGHT;
    }

    /** The refcount after event {@code i}: the logged one, else the computed one, else null. */
    private Long refs(final int i)
    {
        final Event e = events.get(i);
        if (e.status() != EventStatus.VALID)
        {
            return null;
        }
        if (e.hasCount())
        {
            return (long)e.count();
        }
        final long computed = history.refcounts()[i];
        return computed == AuditedHistory.UNKNOWN ? null : computed;
    }

    /** Appends the chart: the lane names, then the zoomable plot. {@code id} makes its element ids unique. */
    void appendTo(final StringBuilder out, final String id)
    {
        final int height = height();
        out.append("<div class=\"chart-row\">");
        out.append("<svg class=\"labels\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(LABEL_WIDTH)
            .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(LABEL_WIDTH).append(' ')
            .append(height).append("\">");
        for (int l = 0; l < laneNames.size(); l++)
        {
            out.append("<text class=\"lane-name\" x=\"4\" y=\"").append(TOP + l * LANE_HEIGHT + 15).append("\">")
                .append(HtmlText.escape(laneNames.get(l))).append("</text>");
        }
        out.append("<text class=\"lane-name\" x=\"4\" y=\"").append(countTop() + 14).append("\">refcount</text>");
        out.append("<text class=\"legend\" x=\"4\" y=\"").append(countTop() + 30)
            .append("\">solid: logged, dashed: computed</text>");
        out.append("</svg>");
        out.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(PLOT_WIDTH)
            .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(PLOT_WIDTH).append(' ')
            .append(height).append("\" preserveAspectRatio=\"none\">");
        out.append("<defs><marker id=\"arrow-").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ")
            .append("markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path class=\"arrow-head\" ")
            .append("d=\"M0,0L10,5L0,10z\"/></marker></defs>");
        for (int l = 0; l < laneNames.size(); l++)
        {
            out.append("<rect class=\"lane ").append(l % 2 == 0 ? "even" : "odd").append("\" x=\"0\" y=\"")
                .append(TOP + l * LANE_HEIGHT).append("\" width=\"").append(PLOT_WIDTH).append("\" height=\"")
                .append(LANE_HEIGHT).append("\"/>");
        }
        out.append("<rect class=\"count-band\" x=\"0\" y=\"").append(countTop()).append("\" width=\"")
            .append(PLOT_WIDTH).append("\" height=\"").append(COUNT_HEIGHT).append("\"/>");
        appendPieces(out, height);
        appendCountLine(out);
        appendHandOffs(out, id);
        appendMarks(out);
        out.append("</svg></div>");
    }

    private void appendPieces(final StringBuilder out, final int height)
    {
        for (final Piece piece : pieces)
        {
            if (piece.isGap())
            {
                out.append("<g class=\"gap\"><rect x=\"").append(fmt(piece.left() + 4)).append("\" y=\"0\" width=\"")
                    .append(fmt(piece.width() - 8)).append("\" height=\"").append(height - AXIS_HEIGHT)
                    .append("\"/><text x=\"").append(fmt(piece.left() + piece.width() / 2)).append("\" y=\"")
                    .append(height - 8).append("\">").append(piece.missing()).append(' ').append(piece.why())
                    .append("</text><title>").append(piece.missing()).append(" events ").append(piece.why())
                    .append(" here</title></g>");
            }
            else if (piece.to() > piece.from())
            {
                final String first = firstTime(piece.from(), piece.to(), true);
                final String last = firstTime(piece.from(), piece.to(), false);
                out.append("<text class=\"tick\" x=\"").append(fmt(piece.left() + 2)).append("\" y=\"")
                    .append(height - 8).append("\">").append(first).append("</text>");
                if (!last.equals(first) && piece.width() > 140)
                {
                    out.append("<text class=\"tick end\" x=\"").append(fmt(piece.left() + piece.width() - 2))
                        .append("\" y=\"").append(height - 8).append("\">").append(last).append("</text>");
                }
            }
        }
    }

    private String firstTime(final int from, final int to, final boolean earliest)
    {
        long best = earliest ? Long.MAX_VALUE : Long.MIN_VALUE;
        for (int i = from; i < to; i++)
        {
            final Event e = events.get(i);
            if (e.status() == EventStatus.VALID)
            {
                best = earliest ? Math.min(best, e.wallNanos()) : Math.max(best, e.wallNanos());
            }
        }
        return best == Long.MAX_VALUE || best == Long.MIN_VALUE ? "" : Times.timeOfDay(best);
    }

    private void appendCountLine(final StringBuilder out)
    {
        long min = 0;
        long max = 1;
        for (int i = 0; i < events.size(); i++)
        {
            final Long refs = drawn(i) ? refs(i) : null;
            if (refs != null)
            {
                min = Math.min(min, refs);
                max = Math.max(max, refs);
            }
        }
        final StringBuilder logged = new StringBuilder();
        final StringBuilder computed = new StringBuilder();
        for (final Piece piece : pieces)
        {
            int previous = -1;
            for (int i = piece.from(); i < piece.to(); i++)
            {
                final Long refs = refs(i);
                if (refs == null)
                {
                    previous = -1;
                    continue;
                }
                if (previous >= 0)
                {
                    final StringBuilder into = events.get(previous).hasCount() ? logged : computed;
                    final double yPrevious = countY(refs(previous), min, max);
                    into.append('M').append(fmt(x[previous])).append(',').append(fmt(yPrevious))
                        .append('H').append(fmt(x[i]))
                        .append('V').append(fmt(countY(refs, min, max)));
                }
                previous = i;
            }
            if (previous >= 0)
            {
                // The last value holds to the end of its run.
                final StringBuilder into = events.get(previous).hasCount() ? logged : computed;
                into.append('M').append(fmt(x[previous])).append(',').append(fmt(countY(refs(previous), min, max)))
                    .append('H').append(fmt(piece.left() + piece.width()));
            }
        }
        final double zeroY = countY(0L, min, max);
        out.append("<line class=\"zero\" x1=\"0\" x2=\"").append(PLOT_WIDTH).append("\" y1=\"").append(fmt(zeroY))
            .append("\" y2=\"").append(fmt(zeroY)).append("\"/>");
        out.append("<text class=\"count-scale\" x=\"").append(PLOT_WIDTH - 4).append("\" y=\"")
            .append(fmt(countY(max, min, max) + 10)).append("\">").append(max).append("</text>");
        out.append("<text class=\"count-scale\" x=\"").append(PLOT_WIDTH - 4).append("\" y=\"")
            .append(fmt(zeroY - 2)).append("\">0</text>");
        if (logged.length() > 0)
        {
            out.append("<path class=\"count logged\" d=\"").append(logged).append("\"/>");
        }
        if (computed.length() > 0)
        {
            out.append("<path class=\"count computed\" d=\"").append(computed).append("\"/>");
        }
    }

    private double countY(final long refs, final long min, final long max)
    {
        return countTop() + 8 + (double)(max - refs) / (max - min) * (COUNT_HEIGHT - 16);
    }

    /** An arrow from each HANDOFF to the next kept event in another lane: the verb does not name its receiver. */
    private void appendHandOffs(final StringBuilder out, final String id)
    {
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (!drawn(i) || e.status() != EventStatus.VALID || e.effect() != Effect.HANDOFF)
            {
                continue;
            }
            // Only within the run: past a gap, the receiver's first event may be among those missing.
            for (int j = i + 1; j < events.size() && drawn(j) && events.get(j).position() == e.position() + j - i; j++)
            {
                final Event next = events.get(j);
                if (next.status() == EventStatus.VALID && lane(next) != lane(e))
                {
                    out.append("<path class=\"handoff\" marker-end=\"url(#arrow-").append(id).append(")\" d=\"M")
                        .append(fmt(x[i])).append(',').append(fmt(laneY(e))).append('L').append(fmt(x[j]))
                        .append(',').append(fmt(laneY(next))).append("\"/>");
                    break;
                }
            }
        }
    }

    private void appendMarks(final StringBuilder out)
    {
        final Map<Integer, List<Anomaly>> anomalies = new HashMap<>();
        final Map<Integer, List<Anomaly>> culprits = new HashMap<>();
        for (final Anomaly a : history.anomalies())
        {
            if (a.event() != null)
            {
                anomalies.computeIfAbsent(a.event().position(), p -> new ArrayList<>()).add(a);
            }
            if (a.causeEvent() != null)
            {
                culprits.computeIfAbsent(a.causeEvent().position(), p -> new ArrayList<>()).add(a);
            }
        }
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (!drawn(i) || e.status() != EventStatus.VALID)
            {
                continue;
            }
            final double cx = x[i];
            final double cy = laneY(e);
            if (anomalies.containsKey(e.position()))
            {
                out.append("<circle class=\"anomaly\" data-pos=\"").append(e.position()).append("\" cx=\"")
                    .append(fmt(cx)).append("\" cy=\"").append(fmt(cy)).append("\" r=\"9\"><title>")
                    .append(HtmlText.escape(anomalies.get(e.position()).get(0).kind().name()))
                    .append(" proven here</title></circle>");
            }
            if (culprits.containsKey(e.position()))
            {
                out.append("<rect class=\"culprit\" data-pos=\"").append(e.position()).append("\" x=\"")
                    .append(fmt(cx - 7)).append("\" y=\"").append(fmt(cy - 7)).append("\" width=\"14\" height=\"14\">")
                    .append("<title>culprit: ").append(HtmlText.escape(culprits.get(e.position()).get(0).cause()))
                    .append("</title></rect>");
            }
            out.append("<circle class=\"m ").append(effectClass(e.effect())).append("\" data-pos=\"")
                .append(e.position()).append("\" cx=\"").append(fmt(cx)).append("\" cy=\"").append(fmt(cy))
                .append("\" r=\"4\"><title>#").append(e.position()).append(' ')
                .append(Times.timeOfDay(e.wallNanos())).append(" pid ").append(e.pid()).append(' ')
                .append(HtmlText.escape(e.threadName())).append(' ').append(HtmlText.escape(e.verb()))
                .append(" refs ").append(HtmlText.escape(HistoryRenderer.refsCell(e, history.refcounts()[i])))
                .append(": ").append(HtmlText.escape(e.message())).append("</title></circle>");
        }
    }

    static String effectClass(final Effect effect)
    {
        switch (effect)
        {
            case REF: return "ref";
            case UNREF: return "unref";
            case DESTROY: return "destroy";
            case HANDOFF: return "handoff-mark";
            default: return "other";
        }
    }

    private static String fmt(final double value)
    {
        return String.valueOf(Math.round(value * 10) / 10.0);
    }
}
