package org.structhist.shdump.command;

import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.Address;
import org.structhist.shdump.ExitCode;
import org.structhist.shdump.ShdumpException;
import org.structhist.shdump.audit.Anomaly;
import org.structhist.shdump.audit.AuditedHistory;
import org.structhist.shdump.audit.HistoryAudit;
import org.structhist.shdump.output.Json;
import org.structhist.shdump.output.Style;
import org.structhist.shdump.output.Table;
import org.structhist.shdump.output.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code shdump check}: audits every history in the window; exit 1 if any anomaly. */
@Command(
    name = "check",
    header = "Audit every history for refcount and lifetime bugs; exit 1 if any.",
    description = "Audits every history in the window and prints one line per anomaly, with the address, generation and the event that shows it: an event after DESTROY (use after free), a refcount below zero, a double DESTROY, a DESTROY while references remain, an object still live when every process that used it is dead (leak at death), events refused through stale handles, a writer that died mid-record, a corrupt record. Exit code 1 if there is any, for scripts.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump check",
        "  shdump check --list 'TCP con' --json | jq -r .address"})
public final class CheckCommand extends FileCommand implements Callable<Integer>
{
    @Option(names = "--list", paramLabel = "NAME", description = "Only this list.")
    String list;

    @Option(names = "--json", description = "JSON lines: one \"anomaly\" object per anomaly, then a \"summary\".")
    boolean json;

    @picocli.CommandLine.Mixin
    RunFilter runs;

    @Override
    public Integer call()
    {
        final HistoryReader reader = reader();
        final HistoryAudit audit = new HistoryAudit(reader);
        final PrintWriter out = out();
        final Style style = style();
        runs.resolve(reader);
        final List<ListInfo> lists = reader.lists().stream().filter(l -> list == null || l.name().equals(list)).toList();
        if (list != null && lists.isEmpty())
        {
            throw new ShdumpException(ExitCode.USAGE, "no list '" + list + "' in " + reader.name());
        }
        final Table table = new Table("ANOMALY", "LIST", "ADDRESS", "GEN", "#", "TIME (UTC)", "PID", "VERB", "DETAIL")
            .alignRight(3, 4, 6);
        int histories = 0;
        int withAnomalies = 0;
        int anomalies = 0;
        for (final ListInfo info : lists)
        {
            if (info.problem() != null)
            {
                err().println("shdump: list '" + info.name() + "' is corrupt and was not checked: " + info.problem());
                anomalies++;
                if (json)
                {
                    out.println(Json.object().field("type", "anomaly").field("kind", "CORRUPT_LIST")
                        .field("list", info.name()).field("detail", info.problem()));
                }
                continue;
            }
            for (final Incarnation incarnation : reader.incarnations(info))
            {
                if (!runs.includes(reader, incarnation))
                {
                    continue;
                }
                histories++;
                final AuditedHistory history = audit.audit(incarnation);
                if (!history.anomalies().isEmpty())
                {
                    withAnomalies++;
                }
                for (final Anomaly anomaly : history.anomalies())
                {
                    anomalies++;
                    if (json)
                    {
                        out.println(json(anomaly, incarnation));
                        continue;
                    }
                    table.row(anomaly.kind().name(), info.name(), Address.format(incarnation.address()),
                        Integer.toUnsignedString(incarnation.generation()),
                        anomaly.event() == null ? "" : String.valueOf(anomaly.event().position()),
                        anomaly.event() == null || anomaly.event().wallNanos() == 0 ? "" :
                            Times.timeOfDay(anomaly.event().wallNanos()),
                        anomaly.event() == null ? "" : String.valueOf(anomaly.event().pid()),
                        anomaly.event() == null ? "" : anomaly.event().verb(),
                        anomaly.kind().description() + ": " + anomaly.detail() +
                            (anomaly.event() == null || anomaly.event().message().isEmpty() ? "" :
                                " [" + anomaly.event().message() + "]"));
                }
            }
        }
        if (json)
        {
            out.println(Json.object().field("type", "summary").field("histories", histories)
                .field("withAnomalies", withAnomalies).field("anomalies", anomalies));
        }
        else
        {
            if (!table.isEmpty())
            {
                table.print(out, "", style, (column, cell, row) -> column == 0 ? style.red(cell) : cell);
            }
            out.println((anomalies == 0 ? style.green("no anomalies") : style.red(anomalies + " anomalies")) +
                " in " + histories + " histories checked (" + withAnomalies + " with anomalies) in " + reader.name());
        }
        out.flush();
        return anomalies == 0 ? ExitCode.OK : ExitCode.FOUND;
    }

    private static Json json(final Anomaly anomaly, final Incarnation incarnation)
    {
        final Json json = Json.object()
            .field("type", "anomaly")
            .field("kind", anomaly.kind().name())
            .field("list", incarnation.list().name())
            .field("address", Address.format(incarnation.address()))
            .field("generation", Integer.toUnsignedLong(incarnation.generation()))
            .field("detail", anomaly.detail());
        if (anomaly.event() != null)
        {
            json.field("position", anomaly.event().position())
                .field("pid", anomaly.event().pid());
            // A record that is not a valid event has no verb, message or time worth showing.
            if (anomaly.event().status() == org.structhist.reader.EventStatus.VALID)
            {
                json.field("verb", anomaly.event().verb())
                    .field("message", anomaly.event().message())
                    .field("time", Times.iso(anomaly.event().wallNanos()));
            }
        }
        return json;
    }
}
