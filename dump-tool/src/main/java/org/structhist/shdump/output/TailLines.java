package org.structhist.shdump.output;

import org.structhist.render.Times;
import org.structhist.reader.Event;
import org.structhist.reader.Incarnation;
import org.structhist.shdump.cli.Address;

/**
 * The lines {@code shdump tail} prints: one per event, and markers for events it could not show. As
 * text, columns list, address, generation, position, time, pid, thread, verb and message, each as wide
 * as the widest cell seen so far (a stream cannot be measured in advance, so columns only ever widen);
 * as JSON lines, the event objects of {@code show --json} and "notSeen" objects (docs/CLI.md).
 */
public abstract class TailLines
{
    /** Why events were not shown. */
    public enum NotSeen
    {
        /** The ring overwrote them before a poll read them. */
        OVERTAKEN("overtaken"),
        /** The ring had dropped them before tail started (with --from-start). */
        DROPPED_BEFORE_START("droppedBeforeStart"),
        /** The object was pushed out of the window before a poll read them. */
        LEFT_WINDOW("leftWindow");

        private final String json;

        NotSeen(final String json)
        {
            this.json = json;
        }
    }

    public static TailLines text(final Style style)
    {
        return new Text(style);
    }

    public static TailLines json()
    {
        return new JsonLines();
    }

    /** A valid event; {@code refs} is the running refcount after it, or {@code RefcountReplay.UNKNOWN}. */
    public abstract String event(Incarnation incarnation, Event event, long refs);

    /** A record that is not a valid event, with why tail stops waiting for it. */
    public abstract String invalid(Incarnation incarnation, Event event, String note, String jsonNote);

    /** {@code count} events from position {@code from} on were not shown (at least that many if {@code atLeast}). */
    public abstract String notSeen(Incarnation incarnation, int from, long count, boolean atLeast, NotSeen reason);

    static String address(final Incarnation incarnation)
    {
        // A header being written, or mixed by racing pushes, has no address to trust.
        return incarnation.headerValid() ? Address.format(incarnation.address()) : "?";
    }

    private static final class Text extends TailLines
    {
        private static final int COLUMNS = 8;
        /**
         * Where columns start out wide enough for the usual values (positions up to 9999, 7-digit pids), so
         * that they rarely move once lines flow; list, address, thread and verb take their first width.
         */
        private static final int[] MIN_WIDTHS = {0, 0, 5, 5, 15, 11, 0, 0};

        private final Style style;
        private final int[] widths = MIN_WIDTHS.clone();

        Text(final Style style)
        {
            this.style = style;
        }

        @Override
        public String event(final Incarnation incarnation, final Event event, final long refs)
        {
            return row(incarnation, event.position(),
                Times.timeOfDay(event.wallNanos()) + (event.coarseClock() ? "~" : ""),
                "pid " + event.pid(), event.threadName(), style.cyan(event.verb()),
                event.message() + (event.textTruncated() ? "…" : ""));
        }

        @Override
        public String invalid(final Incarnation incarnation, final Event event,
            final String note, final String jsonNote)
        {
            return row(incarnation, event.position(), "", event.pid() == 0 ? "" : "pid " + event.pid(), "", "",
                style.red(note));
        }

        @Override
        public String notSeen(final Incarnation incarnation, final int from, final long count, final boolean atLeast,
            final NotSeen reason)
        {
            final String events = (atLeast ? "at least " : "") + count + (count == 1 ? " event" : " events");
            final String what;
            switch (reason)
            {
                case OVERTAKEN:
                    what = "not seen (the ring overtook tail)";
                    break;
                case DROPPED_BEFORE_START:
                    what = "dropped before tail started (each object keeps its first " +
                        incarnation.list().pinnedFirst() + " and its newest events)";
                    break;
                default:
                    what = "not seen (it left the window before tail read them)";
                    break;
            }
            return style.yellow("... " + events + " of " + address(incarnation) + " " + what);
        }

        private String row(final Incarnation incarnation, final int position, final String time, final String pid,
            final String thread, final String verb, final String message)
        {
            final String[] cells = {
                incarnation.list().name(),
                address(incarnation),
                "gen " + Integer.toUnsignedString(incarnation.generation()),
                "#" + position,
                time,
                pid,
                thread,
                verb};
            final StringBuilder sb = new StringBuilder(128);
            for (int c = 0; c < COLUMNS; c++)
            {
                widths[c] = Math.max(widths[c], visibleLength(cells[c]));
                sb.append(pad(cells[c], widths[c])).append("  ");
            }
            return sb.append(message).toString();
        }

        private static String pad(final String cell, final int width)
        {
            final int length = visibleLength(cell);
            return length >= width ? cell : cell + " ".repeat(width - length);
        }

        /** Length without ANSI escapes, so that colour never skews the columns. */
        private static int visibleLength(final String cell)
        {
            int length = 0;
            boolean escape = false;
            for (int i = 0; i < cell.length(); i++)
            {
                final char c = cell.charAt(i);
                if (escape)
                {
                    escape = c != 'm';
                }
                else if (c == '\u001b')
                {
                    escape = true;
                }
                else
                {
                    length++;
                }
            }
            return length;
        }
    }

    private static final class JsonLines extends TailLines
    {
        @Override
        public String event(final Incarnation incarnation, final Event event, final long refs)
        {
            return HistoryRenderer.eventJson(incarnation, event, refs).toString();
        }

        @Override
        public String invalid(final Incarnation incarnation, final Event event,
            final String note, final String jsonNote)
        {
            return HistoryRenderer.eventJson(incarnation, event, 0).field("note", jsonNote).toString();
        }

        @Override
        public String notSeen(final Incarnation incarnation, final int from, final long count, final boolean atLeast,
            final NotSeen reason)
        {
            return Json.object()
                .field("type", "notSeen")
                .field("list", incarnation.list().name())
                .field("address", incarnation.headerValid() ? Address.format(incarnation.address()) : null)
                .field("generation", Integer.toUnsignedLong(incarnation.generation()))
                .field("from", from)
                .field("count", count)
                .field("atLeast", atLeast)
                .field("reason", reason.json)
                .toString();
        }
    }
}
