package org.structhist.render;

import org.structhist.audit.Anomaly;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Prints one audited history as {@code shdump show} (and {@code shdump --obj}) does: a header line for the
 * incarnation, then one aligned row per event with wall time, delta, pid, thread, verb, running refcount and
 * message, markers for events dropped between the kept first and last ones and for records that are not
 * valid events, then its anomalies. In the library so that shdump and the JUnit extension's failure
 * messages print a history the same way; not on any hot path.
 */
public final class HistoryTextRenderer
{
    private final HistoryReader reader;
    private final HistoryAudit audit;
    private final TextStyle style;
    /** Per list, per address, the push numbers of its incarnations in the window, oldest first. */
    private final Map<String, Map<Long, long[]>> pushesByAddress = new HashMap<>();
    /** Every incarnation of the one address {@code show} prints, when it said so: see {@link #numberFrom}. */
    private List<Incarnation> oneAddress;

    public HistoryTextRenderer(final HistoryReader reader, final HistoryAudit audit, final TextStyle style)
    {
        this.reader = reader;
        this.audit = audit;
        this.style = style;
    }

    /** An address as shdump prints and parses it: {@code 0x7f95acf6ea60}. */
    public static String address(final long address)
    {
        return "0x" + Long.toHexString(address);
    }

    /** The incarnation's header line. */
    public String header(final AuditedHistory history)
    {
        final Incarnation i = history.incarnation();
        final StringBuilder sb = new StringBuilder()
            .append(style.bold(i.list().name())).append("  ")
            .append(style.bold(address(i.address())));
        final int number = incarnationNumber(i);
        if (number > 0)
        {
            sb.append("  incarnation ").append(number);
        }
        sb.append("  gen ").append(Integer.toUnsignedString(i.generation()))
            .append(" (push #").append(i.pushNumber()).append(')');
        if (i.headerValid())
        {
            sb.append("  created by pid ").append(i.creatorPid())
                .append(' ').append(reader.threadName(i.creatorPid(), i.creatorThreadId()))
                .append(" at ").append(Times.full(reader.wallNanos(i.creatorPid(), i.pushTimeNanos()))).append(" UTC");
        }
        else
        {
            sb.append(style.yellow("  (header being written or mixed by racing pushes: address and times unsure)"));
        }
        sb.append("  ").append(stateText(history));
        sb.append("  events ").append(i.eventCount());
        if (i.droppedEvents() > 0)
        {
            sb.append(" (").append(i.droppedEvents()).append(" dropped)");
        }
        return sb.toString();
    }

    private String stateText(final AuditedHistory history)
    {
        final String state = history.state().name().toLowerCase(Locale.ROOT);
        switch (history.state())
        {
            case LEAKED: return style.red(state);
            case DESTROYED: return style.dim(state);
            default: return style.green(state);
        }
    }

    /** Prints the history; {@code shown} selects the event rows (markers and anomalies always show). */
    public void print(final PrintWriter out, final AuditedHistory history, final Predicate<Event> shown)
    {
        print(out, history, shown, null);
    }

    /**
     * As {@link #print(PrintWriter, AuditedHistory, Predicate)}, with {@code note} (if not null) under the header line.
     */
    public void print(final PrintWriter out, final AuditedHistory history,
        final Predicate<Event> shown, final String note)
    {
        out.println(header(history));
        if (note != null)
        {
            out.println("  " + note);
        }
        final Map<Integer, List<Anomaly>> anomaliesByPosition = history.anomalies().stream()
            .filter(a -> a.event() != null)
            .collect(Collectors.groupingBy(a -> a.event().position()));
        final Table table = new Table("#", "TIME (UTC)", "DELTA", "PID", "THREAD", "VERB", "REFS", "MESSAGE")
            .alignRight(0, 2, 3, 6);
        final List<Event> events = history.events();
        long previousWall = 0;
        int expected = 0;
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (e.position() != expected)
            {
                table.row("", "", "", "", "", "", "", "... " + (e.position() - expected) +
                    " events dropped here (the first " + history.incarnation().list().pinnedFirst() +
                    " and the newest are kept) ...");
            }
            expected = e.position() + 1;
            final boolean flagged = anomaliesByPosition.containsKey(e.position());
            if (e.status() != EventStatus.VALID)
            {
                table.row(String.valueOf(e.position()), "", "", e.pid() == 0 ? "" : String.valueOf(e.pid()), "", "", "",
                    invalidText(e));
                continue;
            }
            if (!shown.test(e) && !flagged)
            {
                continue;
            }
            final long refs = history.refcounts()[i];
            table.row(
                String.valueOf(e.position()),
                Times.timeOfDay(e.wallNanos()) + (e.coarseClock() ? "~" : ""),
                previousWall == 0 ? "" : Times.delta(e.wallNanos() - previousWall),
                String.valueOf(e.pid()),
                e.threadName(),
                e.verb(),
                refsCell(e, refs),
                e.message() + (e.textTruncated() ? "…" : ""));
            previousWall = e.wallNanos();
        }
        if (!table.isEmpty())
        {
            table.print(out, "  ", style, (column, cell, row) ->
            {
                final boolean bad = !row[0].isEmpty() && anomaliesByPosition.containsKey(Integer.parseInt(row[0]));
                if (column == 7 && row[0].isEmpty())
                {
                    return style.yellow(cell);
                }
                if (column == 7 && row[2].isEmpty() && row[1].isEmpty())
                {
                    return style.red(cell);
                }
                if (column == 5)
                {
                    return bad ? style.red(cell) : style.cyan(cell);
                }
                if (column == 6 && (cell.trim().startsWith("-") || cell.trim().startsWith("=-")))
                {
                    return style.red(cell);
                }
                return cell;
            });
        }
        for (final Anomaly anomaly : history.anomalies())
        {
            out.println("  " + style.red("! " + anomaly.kind().name()) + "  " +
                (anomaly.event() == null ? "" : "#" + anomaly.event().position() + "  ") +
                anomaly.kind().description() + " (" + anomaly.detail() + ")");
            if (anomaly.cause() != null)
            {
                out.println("    " + style.red("cause: " + anomaly.cause()));
            }
        }
        if (history.incarnation().unref() && history.incarnation().unrefTimeNanos() != 0)
        {
            out.println("  " + style.dim("unref at " + Times.full(reader.wallNanos(history.incarnation().creatorPid(),
                history.incarnation().unrefTimeNanos())) + " UTC"));
        }
    }

    /**
     * The REFS cell: the count the writer logged with the event, marked {@code =} ("the writer said so"),
     * or else the running refcount computed from the verbs, or {@code ?} when that is unknown.
     */
    public static String refsCell(final Event e, final long computed)
    {
        if (e.hasCount())
        {
            return "=" + e.count();
        }
        return computed == AuditedHistory.UNKNOWN ? "?" : String.valueOf(computed);
    }

    /**
     * Which incarnation of its address in its list {@code i} is, 1 for the oldest still in the window
     * (the slot's generation says which occupant of a slot it is, not which life of the address); 0 when
     * its header is not valid (its address is unsure).
     */
    public int incarnationNumber(final Incarnation i)
    {
        if (!i.headerValid())
        {
            return 0;
        }
        if (oneAddress != null && oneAddress.get(0).address() == i.address())
        {
            return numberAmong(oneAddress, i);
        }
        final Map<Long, long[]> byAddress = pushesByAddress.computeIfAbsent(i.list().name(), name ->
            reader.incarnations(i.list()).stream().filter(Incarnation::headerValid)
                .collect(Collectors.groupingBy(Incarnation::address,
                    Collectors.collectingAndThen(Collectors.toList(),
                        all -> all.stream().mapToLong(Incarnation::pushNumber).sorted().toArray()))));
        final long[] pushes = byAddress.get(i.address());
        final int at = pushes == null ? -1 : Arrays.binarySearch(pushes, i.pushNumber());
        return at < 0 ? 0 : at + 1;
    }

    /**
     * Numbers the incarnations of one address from {@code all} of them (as {@code incarnationsOf} found
     * them), so that {@code show} does not read every slot header of the lists again.
     */
    public void numberFrom(final List<Incarnation> all)
    {
        oneAddress = all.isEmpty() ? null : all;
    }

    private static int numberAmong(final List<Incarnation> all, final Incarnation i)
    {
        int number = 0;
        for (final Incarnation other : all)
        {
            if (other.headerValid() && other.address() == i.address() && other.list().name().equals(i.list().name()) &&
                other.pushNumber() <= i.pushNumber())
            {
                number++;
            }
        }
        return number;
    }

    private String invalidText(final Event e)
    {
        switch (e.status())
        {
            case IN_FLIGHT:
                if (e.pid() != 0 && !audit.isAlive(e.pid()))
                {
                    return "[writer " + e.pid() + " died mid-record]";
                }
                return "[in flight: claimed, not committed" +
                    (e.pid() == 0 ? "" : " (pid field " + e.pid() + ")") + "]";
            case TORN:
                return "[torn: being overwritten while read]";
            case CHECKSUM_MISMATCH:
                return "[checksum mismatch: not a valid event]";
            default:
                return "[corrupt record: a stamp no writer leaves]";
        }
    }
}
