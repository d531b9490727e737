package org.structhist.shdump.command;

import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.shdump.output.ChromeTrace;
import org.structhist.shdump.output.ExportTarget;
import org.structhist.shdump.output.HistoryExport;
import org.structhist.shdump.output.HistoryRenderer;
import org.structhist.shdump.output.JsonLinesExport;
import org.structhist.shdump.output.Style;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code shdump export}: the selected histories as JSON lines or as a Chrome/Perfetto trace. */
@Command(
    name = "export",
    header = "Write histories as JSON lines or as a Chrome/Perfetto trace.",
    // One string per paragraph: picocli wraps each to the terminal, and shows the first in the command list.
    description = {
        "Writes histories to a file, as JSON lines or as a Chrome/Perfetto trace.",
        "",
        "Every history in the window, or those of one address (--obj) or one list (--list). json: an " +
            "\"incarnation\" line, then its \"event\" lines, as 'show --json' prints them. chrome: a trace " +
            "that ui.perfetto.dev and chrome://tracing open, one track per incarnation with its lifetime, its " +
            "events (named by verb) and its anomalies. The file appears complete or not at all; an existing " +
            "one is kept unless --force.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump export --format chrome -o trace.json     (open it in ui.perfetto.dev)",
        "  shdump export --format json --list 'TCP con' -o tcp.jsonl",
        "  shdump export --format json --obj 0x7f95acf6ea60 -o - | jq -c 'select(.verb)'",
        "",
        "Exit code 1 when --obj names an address no list holds (nothing is written)."})
public final class ExportCommand extends FileCommand implements Callable<Integer>
{
    /** The formats, named on the command line in lower case. */
    public enum Format
    {
        JSON,
        CHROME
    }

    @Option(names = "--format", required = true, paramLabel = "FORMAT", converter = FormatConverter.class,
        completionCandidates = FormatNames.class,
        description = "json (JSON lines: \"incarnation\" and \"event\" objects) or chrome (Trace Event Format, " +
            "for ui.perfetto.dev and chrome://tracing).")
    Format format;

    @Option(names = "--obj", paramLabel = "ADDRESS", converter = Address.class,
        description = "Only the incarnations of this address: hex (0x7f95acf6ea60) or decimal.")
    Long address;

    @Option(names = "--list", paramLabel = "NAME", description = "Only this list.")
    String list;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
        description = "Where to write; - for standard output. Written to a temporary file beside it, then " +
            "renamed: a failed export leaves nothing.")
    String output;

    @picocli.CommandLine.Mixin
    RunFilter runs;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call()
    {
        final HistoryReader reader = reader();
        final List<Incarnation> selected = select(reader);
        if (address != null && selected.isEmpty())
        {
            err().println("shdump: no history of " + Address.format(address) +
                (list == null ? "" : " in list '" + list + "'") +
                " in " + reader.name() + "; nothing written (each list keeps only its last objects; 'shdump info' " +
                "shows how many)");
            return ExitCode.FOUND;
        }
        final HistoryAudit audit = new HistoryAudit(reader);
        final HistoryExport export = format == Format.JSON ?
            new JsonLinesExport(new HistoryRenderer(reader, audit, Style.plain())) : new ChromeTrace(reader);
        final boolean toStdout = "-".equals(output);
        long events = 0;
        try (ExportTarget target = toStdout ? ExportTarget.stdout(out()) :
            ExportTarget.file(output, force, root.path()))
        {
            try
            {
                export.begin(target.writer());
                for (final Incarnation incarnation : selected)
                {
                    final AuditedHistory history = audit.audit(incarnation);
                    events += history.events().size();
                    export.history(target.writer(), history);
                }
                export.end(target.writer());
            }
            catch (final IOException ex)
            {
                throw ExportTarget.cannotWrite(target.name(), ex);
            }
            target.commit();
        }
        if (!toStdout)
        {
            err().println("shdump: exported " + selected.size() + (selected.size() == 1 ? " history" : " histories") +
                " (" + events + " records) to " + output);
        }
        return ExitCode.OK;
    }

    /** The incarnations to export: of --obj, else every one, in --list or in every list. */
    private List<Incarnation> select(final HistoryReader reader)
    {
        runs.resolve(reader);
        return selectAll(reader).stream().filter(i -> runs.includes(reader, i)).toList();
    }

    private List<Incarnation> selectAll(final HistoryReader reader)
    {
        final List<ListInfo> lists =
            reader.lists().stream().filter(l -> list == null || l.name().equals(list)).toList();
        if (list != null && lists.isEmpty())
        {
            throw new ShdumpException(ExitCode.USAGE, "no list '" + list + "' in " + reader.name());
        }
        if (address != null)
        {
            return reader.incarnationsOf(address).stream()
                .filter(i -> list == null || i.list().name().equals(list))
                .toList();
        }
        final List<Incarnation> selected = new ArrayList<>();
        for (final ListInfo info : lists)
        {
            if (info.problem() != null)
            {
                err().println("shdump: list '" + info.name() + "' is corrupt and was not exported: " + info.problem());
                continue;
            }
            selected.addAll(reader.incarnations(info));
        }
        return selected;
    }

    /** {@code --format json|chrome}, in any case, with a sentence naming both when it is neither. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format>
    {
        @Override
        public Format convert(final String value)
        {
            try
            {
                return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a format: give json or chrome");
            }
        }
    }

    /** What shell completion offers for --format. */
    static final class FormatNames extends ArrayList<String>
    {
        private static final long serialVersionUID = 1L;

        FormatNames()
        {
            super(List.of("json", "chrome"));
        }
    }
}
