package org.structhist.shdump.command;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.cli.TimeArgument;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.audit.LifeState;
import org.structhist.shdump.output.HistoryRenderer;
import org.structhist.shdump.output.Style;
import org.structhist.render.Table;
import org.structhist.render.Times;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code shdump objects}: one line per incarnation in the window. */
@Command(
    name = "objects",
    header = "One line per incarnation in the window: state, refcount, anomaly flags.",
    description = "One line per incarnation in the window, oldest push first: address, generation, list, state (live," +
    " unref, destroyed, leaked), events, refcount now (from the verbs), first and last event time, and anomaly flags " +
    "(UAD use after destroy, NEG refcount below zero, DD double destroy, DWR destroy with refs, LEAK live at death, " +
    "STALE stale-handle events (information), DIED writer died mid-record, CORRUPT corrupt record, ZERO reference " +
    "taken from zero, ZERO2 zero reached twice, TWICE pushed again while live).",
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump objects --list 'TCP con' --live",
        "  shdump objects --verb TCP_DESTROY --since 10m --limit 20",
        "  shdump objects --json | jq -r 'select(.anomalies | length > 0) | .address'"})
public final class ObjectsCommand extends FileCommand implements Callable<Integer>
{
    @Option(names = "--list", paramLabel = "NAME", description = "Only this list.")
    String list;

    @ArgGroup(exclusive = true)
    StateFilter state;

    static final class StateFilter
    {
        @Option(names = "--live", description =
            "Only incarnations neither destroyed nor unref'd (leaked ones included).")
        boolean live;

        @Option(names = "--destroyed", description = "Only incarnations with a DESTROY event.")
        boolean destroyed;
    }

    @Option(names = "--verb", paramLabel = "VERB", description =
        "Only incarnations with at least one event of this verb.")
    String verb;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeArgument.class,
        description = "Only incarnations with an event at or after TIME (an instant, a UTC date-time," +
            " or 90s/5m/2h/1d ago).")
    Long since;

    @Option(names = "--limit", paramLabel = "N", description = "At most N lines (the newest N).")
    Integer limit;

    @picocli.CommandLine.Mixin
    RunFilter runs;

    @Option(names = "--json", description = "JSON lines: one \"incarnation\" object each.")
    boolean json;

    @Override
    public Integer call()
    {
        if (limit != null && limit < 0)
        {
            throw new ShdumpException(ExitCode.USAGE, "--limit must not be negative: " + limit);
        }
        final HistoryReader reader = reader();
        final HistoryAudit audit = new HistoryAudit(reader);
        final Style style = style();
        final HistoryRenderer renderer = new HistoryRenderer(reader, audit, style);
        final PrintWriter out = out();
        runs.resolve(reader);
        final List<ListInfo> lists =
            reader.lists().stream().filter(l -> list == null || l.name().equals(list)).toList();
        if (list != null && lists.isEmpty())
        {
            throw new ShdumpException(ExitCode.USAGE, "no list '" + list + "' in " + reader.name());
        }
        final List<AuditedHistory> selected = new java.util.ArrayList<>();
        for (final ListInfo info : lists)
        {
            if (info.problem() != null)
            {
                err().println("shdump: list '" + info.name() + "' is corrupt and was skipped: " + info.problem());
                continue;
            }
            for (final AuditedHistory history : audit.auditList(info))
            {
                // Every incarnation of the list is audited (an address pushed again is a fact of the list),
                // then selected.
                if (!runs.includes(reader, history.incarnation()))
                {
                    continue;
                }
                if (matches(history))
                {
                    selected.add(history);
                }
            }
        }
        if (lists.size() > 1)
        {
            // Oldest push first across lists too: push numbers of different lists do not compare, push times do.
            selected.sort(java.util.Comparator.comparingLong(h -> reader.wallNanos(
                h.incarnation().creatorPid(), h.incarnation().pushTimeNanos())));
        }
        final List<AuditedHistory> shown = limit == null || selected.size() <= limit ?
            selected : selected.subList(selected.size() - limit, selected.size());
        final Table table = new Table("ADDRESS", "GEN", "LIST", "STATE", "EVENTS", "REFS", "FIRST (UTC)", "LAST (UTC)",
            "FLAGS").alignRight(1, 4, 5);
        for (final AuditedHistory history : shown)
        {
            if (json)
            {
                renderer.incarnationJson(history).println(out);
                continue;
            }
            final Incarnation i = history.incarnation();
            final long refs = history.refcountNow();
            final List<Event> valid = history.events().stream().filter(e -> e.status() == EventStatus.VALID).toList();
            table.row(Address.format(i.address()), Integer.toUnsignedString(i.generation()), i.list().name(),
                history.state().name().toLowerCase(java.util.Locale.ROOT),
                i.eventCount() + (i.droppedEvents() > 0 ? " (" + i.droppedEvents() + " dropped)" : ""),
                refs == AuditedHistory.UNKNOWN ? "?" : String.valueOf(refs),
                valid.isEmpty() ? "" : Times.full(valid.get(0).wallNanos()),
                valid.isEmpty() ? "" : Times.full(valid.get(valid.size() - 1).wallNanos()),
                history.anomalies().stream().map(a -> a.kind().flag()).distinct().collect(Collectors.joining(",")));
        }
        if (!json)
        {
            if (selected.isEmpty())
            {
                out.println("no incarnation matches in " + reader.name());
            }
            else if (table.isEmpty())
            {
                out.println(style.dim("(" + selected.size() + " match, none shown: --limit 0)"));
            }
            else
            {
                table.print(out, "", style, (column, cell, row) -> column == 8 ? style.red(cell) : cell);
                if (shown.size() < selected.size())
                {
                    out.println(style.dim("(" + (selected.size() - shown.size()) +
                        " older not shown: --limit " + limit + ")"));
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private boolean matches(final AuditedHistory history)
    {
        if (state != null && state.live &&
            !(history.state() == LifeState.LIVE || history.state() == LifeState.LEAKED))
        {
            return false;
        }
        if (state != null && state.destroyed && history.state() != LifeState.DESTROYED)
        {
            return false;
        }
        if (verb != null &&
            history.events().stream().noneMatch(e -> e.status() == EventStatus.VALID && e.verb().equals(verb)))
        {
            return false;
        }
        return since == null ||
            history.events().stream().anyMatch(e -> e.status() == EventStatus.VALID && e.wallNanos() >= since);
    }
}
