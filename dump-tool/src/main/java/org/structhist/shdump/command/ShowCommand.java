package org.structhist.shdump.command;

import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.cli.TimeArgument;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.shdump.heap.HeapView;
import org.structhist.shdump.output.HeapRenderer;
import org.structhist.shdump.output.HistoryRenderer;
import org.structhist.shdump.output.HtmlReport;
import org.structhist.shdump.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code shdump show --obj ADDRESS}: every incarnation of one address, oldest first, event by event. */
@Command(
    name = "show",
    header = "Every incarnation of one address, event by event, with a running refcount.",
    description = "Every incarnation of an address still in the window, oldest first: each event with wall time, " +
    "delta, pid, thread, verb, running refcount (from the verbs' effects) and message; markers for events dropped " +
    "between the kept first and last ones and for records that are not valid events; then the history's anomalies. " +
    "Finds the address by scanning object headers only. With --heap-file, each incarnation also says which chunk of " +
    "that heap holds the address now: its state, generation and owner.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump show --obj 0x7f95acf6ea60",
        "  shdump show --obj 140280828717664 --verb TCP_UNREF --pid 49313",
        "  shdump show --obj 0x7f95acf6ea60 --since 2026-11-22T05:43:28Z --json",
        "  shdump show --obj 0x40030 --heap-file /dev/shm/app.heap",
        "  shdump --obj 0x7f95acf6ea60 --html conn.html",
        "",
        "Exit code 1 when no list holds a history of that address."})
public final class ShowCommand extends FileCommand implements Callable<Integer>
{
    @Option(names = "--obj", required = true, paramLabel = "ADDRESS", converter = Address.class,
        description = "Object address: hex (0x7f95acf6ea60) or decimal.")
    private Long address;

    @Option(names = "--list", paramLabel = "NAME", description = "Only incarnations in this list.")
    String list;

    @Option(names = "--verb", paramLabel = "VERB", split = ",", description = "Only events with these verbs.")
    List<String> verbs;

    @Option(names = "--pid", paramLabel = "PID", split = ",", description = "Only events from these pids.")
    List<Long> pids;

    @Option(names = "--thread", paramLabel = "THREAD", split = ",", description =
        "Only events from these threads (name or id).")
    List<String> threads;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeArgument.class,
        description = "Only events at or after TIME (2026-11-22T05:43:28Z, 2026-11-22T05:43:28 UTC," +
            " or 90s/5m/2h/1d ago).")
    Long since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeArgument.class,
        description = "Only events at or before TIME.")
    Long until;

    @Option(names = "--json", description = "JSON lines: an \"incarnation\" object, then its \"event\" objects.")
    private boolean json;

    @Option(names = "--html", paramLabel = "FILE",
        description = "Also write FILE: a self-contained HTML page drawing each incarnation (lanes per thread, " +
            "the refcount line, anomalies); replaced if it exists. Draws every kept event: not with --verb, " +
            "--pid, --thread, --since, --until, --json.")
    private String html;

    @Override
    public Integer call()
    {
        // The heap first: a heap file that cannot be read fails the command before any output.
        final boolean filtered = verbs != null || pids != null || threads != null || since != null || until != null;
        if (html != null && (json || filtered))
        {
            throw new ShdumpException(ExitCode.USAGE, "--html draws every kept event: it does not go with --json, " +
                "--verb, --pid, --thread, --since or --until");
        }
        final HeapRenderer heap = root.heapFileOption() == null ? null :
            new HeapRenderer(HeapView.open(root.heapFileOption()), style());
        final HistoryReader reader = reader();
        final HistoryAudit audit = new HistoryAudit(reader);
        final HistoryRenderer renderer = new HistoryRenderer(reader, audit, style());
        final PrintWriter out = out();
        if (list != null && reader.list(list).isEmpty())
        {
            // As in objects and check: a list name that is not in the file is a mistake in the command.
            throw new ShdumpException(ExitCode.USAGE, "no list '" + list + "' in " + reader.name());
        }
        final List<Incarnation> all = reader.incarnationsOf(address);
        renderer.numberFrom(all);
        final List<Incarnation> found = all.stream()
            .filter(i -> list == null || i.list().name().equals(list))
            .toList();
        if (found.isEmpty())
        {
            err().println("shdump: no history of " + Address.format(address) +
                (list == null ? "" : " in list '" + list + "'") +
                " in " + reader.name() + " (each list keeps only its last objects; 'shdump info' shows how many)");
            return ExitCode.FOUND;
        }
        final Predicate<Event> shown = filter();
        final List<AuditedHistory> histories = audited(audit, found);
        if (html != null)
        {
            final HtmlReport report = new HtmlReport(reader, audit, "shdump --obj " + Address.format(address));
            report.renderer().numberFrom(all);
            histories.forEach(report::add);
            report.writeTo(html, root.path());
            err().println("shdump: wrote " + report.drawn() + (report.drawn() == 1 ? " incarnation" : " incarnations") +
                " of " + Address.format(address) + " to " + html);
        }
        boolean first = true;
        for (final AuditedHistory history : histories)
        {
            if (json)
            {
                final Json line = renderer.incarnationJson(history);
                // Only with --heap-file, so that the lines without it stay as they were.
                (heap == null ? line : line.field("heapChunk", heap.chunkJson(address))).println(out);
                for (int i = 0; i < history.events().size(); i++)
                {
                    if (shown.test(history.events().get(i)))
                    {
                        renderer.eventJson(history, i).println(out);
                    }
                }
                continue;
            }
            if (!first)
            {
                out.println();
            }
            first = false;
            // Read again for each incarnation: a live heap may have freed or reused the chunk meanwhile.
            renderer.print(out, history, shown, heap == null ? null :
                heap.describe(address, history.incarnation().handle()));
        }
        out.flush();
        return ExitCode.OK;
    }

    private Predicate<Event> filter()
    {
        return e -> (verbs == null || verbs.contains(e.verb())) &&
            (pids == null || pids.contains((long)e.pid())) &&
            (threads == null || threads.contains(e.threadName()) || threads.contains(String.valueOf(e.threadId()))) &&
            (since == null || e.wallNanos() >= since) &&
            (until == null || e.wallNanos() <= until);
    }

    /** Each incarnation audited, with what only its list shows (pushed again while live), list by list. */
    private static List<AuditedHistory> audited(final HistoryAudit audit, final List<Incarnation> found)
    {
        return HtmlReport.audited(audit, found);
    }
}
