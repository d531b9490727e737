package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.Failures;
import org.structhist.shdump.command.CheckCommand;
import org.structhist.shdump.command.DemoCommand;
import org.structhist.shdump.command.ExportCommand;
import org.structhist.shdump.command.HeapCommand;
import org.structhist.shdump.command.InfoCommand;
import org.structhist.shdump.command.ObjectsCommand;
import org.structhist.shdump.command.RootCommand;
import org.structhist.shdump.command.ShowCommand;
import org.structhist.shdump.command.TailCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * shdump: the post-mortem reader of structhist history files. One class per subcommand in
 * {@code org.structhist.shdump.command}; the options every command shares are in {@link RootCommand}, the
 * mapping of failures to exit codes and sentences in {@link Failures}. This class holds the list of commands,
 * the {@code --obj} shortcut for {@code show}, and the handlers that make every failure one sentence.
 */
@Command(
    name = "shdump",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Shdump.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Reads a structhist history file, left by a dead process or being written by live ones: lists its " +
    "objects, walks the history of one, audits every history for refcount and lifetime bugs. Reads a shared heap " +
    "file too: its chunks per size class, the chunks dead processes leaked, one chunk and its bytes.",
    subcommands = {
        InfoCommand.class,
        ObjectsCommand.class,
        ShowCommand.class,
        CheckCommand.class,
        DemoCommand.class,
        ExportCommand.class,
        TailCommand.class,
        HeapCommand.class,
        CommandLine.HelpCommand.class,
        AutoComplete.GenerateCompletion.class},
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump info                       what the file holds, who wrote it",
        "  shdump --obj 0x7f95acf6ea60       that address's histories, event by event",
        "  shdump check                      every anomaly; exit 1 if any",
        "  shdump objects --live             live objects",
        "  shdump demo                       replay the TCP refcount bug, find its cause",
        "  shdump tail --list 'TCP con'      follow a live file, like tail -f",
        "  shdump export --format chrome -o trace.json",
        "  shdump heap --heap-file a.heap    chunks per size class and leaks",
        "  shdump --obj 0x40030 --heap-file a.heap",
        "",
        "The file: --file PATH, else -Dstructhist.file, else $STRUCTHIST_FILE, else",
        "/dev/shm/structhist-$USER/default.hist, in a private directory (without /dev/shm:",
        "under $XDG_RUNTIME_DIR, else java.io.tmpdir). Exit codes: 0 done; 1 anomalies",
        "(check), leaks (heap) or nothing found (--obj, heap --addr); 2 usage error; 3 file",
        "missing, unreadable, not a regular file, corrupt or of an unknown format version;",
        "4 internal error (please report it)."})
public final class Shdump extends RootCommand implements Callable<Integer>
{
    @Option(names = "--obj", paramLabel = "ADDRESS", converter = Address.class,
        description = "Shortcut for 'show --obj ADDRESS'.")
    private Long obj;

    @Option(names = "--json", description = "With --obj: JSON lines instead of text.")
    private boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "With --obj: also write FILE, an HTML page " +
        "drawing the address's life (as show --html).")
    private String html;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        if (obj != null)
        {
            // The shortcut is the show command itself, parsed by picocli as if the user had typed it: the
            // options inherited from here (--file, --heap-file, ...) hold what this command line gave them.
            return spec.subcommands().get("show").execute(showArguments());
        }
        if (json || html != null)
        {
            spec.commandLine().getErr().println("shdump: " + (json ? "--json" : "--html") + " goes with --obj " +
                "here; other commands take their own (shdump check " + (json ? "--json" : "--html FILE") + ")");
            return ExitCode.USAGE;
        }
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** {@code show}'s command line for what was given here: --obj, and --json and --html if given. */
    private String[] showArguments()
    {
        final List<String> arguments = new ArrayList<>(List.of("--obj", Address.format(obj)));
        if (json)
        {
            arguments.add("--json");
        }
        if (html != null)
        {
            arguments.add("--html");
            arguments.add(html);
        }
        return arguments.toArray(new String[0]);
    }

    @Override
    public int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        return run(out, err, args);
    }

    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        final int code = runToTheEnd(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** {@link #run}, and a file cut short under its mapping noticed only after it returned. */
    private static int runToTheEnd(final PrintWriter out, final PrintWriter err, final String... args)
    {
        try
        {
            return run(out, err, args);
        }
        catch (final InternalError ex)
        {
            if (!Failures.isTruncation(ex))
            {
                throw ex;
            }
            // A fault of a read in compiled code surfaces at the next safepoint poll that checks for it, which
            // may come only after run returned: the file (which one is no longer known) was cut short.
            return Failures.report(Failures.truncated("a file shdump read"), err, false);
        }
    }

    /** Runs shdump with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final boolean debug = Arrays.asList(args).contains("--debug");
        final Shdump root = new Shdump();
        final CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            err.println("shdump: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> Failures.report(ex, err, debug));
        try
        {
            return commandLine.execute(args);
        }
        catch (final Error ex)
        {
            // picocli hands only Exceptions to the handler above; an Error would escape as a stack trace
            // and exit code 1, which scripts read as "anomalies found".
            if (Failures.isTruncation(ex))
            {
                // HotSpot's word for a SIGBUS on a mapped page: the file was cut short under the mapping. The
                // heap command reads only the heap file (HeapView names it itself when the error comes in time).
                final CommandLine.ParseResult parsed = commandLine.getParseResult();
                final boolean heap = parsed != null && parsed.hasSubcommand() &&
                    parsed.subcommand().commandSpec().name().equals("heap") && root.heapFileOption() != null;
                return Failures.report(Failures.truncated(heap ? root.heapFileOption() : root.path()), err, debug, ex);
            }
            return Failures.report(ex, err, debug);
        }
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = Shdump.class.getPackage().getImplementationVersion();
            return new String[] {"shdump " + (version == null ? "dev" : version) + " (history file format " +
                org.structhist.format.FileHeaderDescriptor.FORMAT_VERSION + ", heap file format " +
                org.structhist.alloc.format.HeapHeaderDescriptor.FORMAT_VERSION + ")"};
        }
    }
}
