package org.structhist.shdump;

import org.structhist.HistoryFile;
import org.structhist.HistoryFormatException;
import org.structhist.alloc.HeapException;
import org.structhist.io.FileSafety;
import org.structhist.io.UnsafeFileException;
import org.structhist.reader.HistoryReader;
import org.structhist.shdump.command.CheckCommand;
import org.structhist.shdump.command.DemoCommand;
import org.structhist.shdump.command.ExportCommand;
import org.structhist.shdump.command.HeapCommand;
import org.structhist.shdump.command.InfoCommand;
import org.structhist.shdump.command.ObjectsCommand;
import org.structhist.shdump.command.ShowCommand;
import org.structhist.shdump.command.TailCommand;
import org.structhist.shdump.output.Style;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * shdump: the post-mortem reader of structhist history files. One class per subcommand in
 * {@code org.structhist.shdump.command}; this class holds the options every command shares, the
 * {@code --obj} shortcut for {@code show}, and the mapping of failures to exit codes and sentences.
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
public final class Shdump implements Callable<Integer>
{
    /** A bug in shdump, not in the file or the command line. */
    public static final int INTERNAL_ERROR = 4;

    @Option(names = "--file", paramLabel = "PATH", scope = ScopeType.INHERIT,
        description = "History file (default: -Dstructhist.file, $STRUCTHIST_FILE, else " +
            "/dev/shm/structhist-$USER/default.hist).")
    Path file;

    @Option(names = "--heap-file", paramLabel = "PATH", scope = ScopeType.INHERIT,
        description = "Shared heap file: what 'heap' reads; with --obj or show, each history also says which chunk " +
            "holds the address now.")
    Path heapFile;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colour, even on a terminal.")
    boolean noColor;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
    boolean debug;

    @Option(names = "--obj", paramLabel = "ADDRESS", converter = Address.class,
        description = "Shortcut for 'show --obj ADDRESS'.")
    Long obj;

    @Option(names = "--json", description = "With --obj: JSON lines instead of text.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "With --obj: also write FILE, an HTML page " +
        "drawing the address's life (as show --html).")
    String html;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        if (obj != null)
        {
            final ShowCommand show = new ShowCommand();
            show.root = this;
            show.spec = spec;
            show.address = obj;
            show.json = json;
            show.html = html;
            return show.call();
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

    /** The file the user named with --file, or null. */
    public Path fileOption()
    {
        return file;
    }

    /** The heap file the user named with --heap-file, or null: heaps have no default path. */
    public Path heapFileOption()
    {
        return heapFile;
    }

    /** The file the user named, or the library's default. */
    public Path path()
    {
        return file != null ? file : HistoryFile.defaultPath();
    }

    /**
     * Opens the file read-only; failures become one sentence and exit code 3. A FIFO, a directory or a
     * device is refused before it is opened: opening a FIFO to read would block until a writer came.
     */
    public HistoryReader openReader()
    {
        final Path path = path();
        requireRegularFile(path, "history file");
        return HistoryReader.open(path);
    }

    /** Exit code 3 and one sentence unless {@code path} (links followed) is a regular file; missing is let through. */
    public static void requireRegularFile(final Path path, final String what)
    {
        try
        {
            FileSafety.requireRegularFile(path, what);
        }
        catch (final NoSuchFileException ex)
        {
            // The open says so, in the words every command already uses.
        }
        catch (final UnsafeFileException ex)
        {
            throw new ShdumpException(ExitCode.BAD_FILE, ex.getMessage());
        }
        catch (final IOException ex)
        {
            throw new ShdumpException(ExitCode.BAD_FILE, path + " cannot be read: " + ex.getMessage());
        }
    }

    public Style style()
    {
        return new Style(!noColor && System.getenv("NO_COLOR") == null);
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
            if (!isTruncation(ex))
            {
                throw ex;
            }
            // A fault of a read in compiled code surfaces at the next safepoint poll that checks for it, which
            // may come only after run returned: the file (which one is no longer known) was cut short.
            err.println("shdump: a file shdump read was truncated by another process while shdump read it");
            return ExitCode.BAD_FILE;
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
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> failure(ex, err, debug));
        try
        {
            return commandLine.execute(args);
        }
        catch (final Error ex)
        {
            // picocli hands only Exceptions to the handler above; an Error would escape as a stack trace
            // and exit code 1, which scripts read as "anomalies found".
            if (isTruncation(ex))
            {
                // HotSpot's word for a SIGBUS on a mapped page: the file was cut short under the mapping. The
                // heap command reads only the heap file (HeapView names it itself when the error comes in time).
                final CommandLine.ParseResult parsed = commandLine.getParseResult();
                final boolean heap = parsed != null && parsed.hasSubcommand() &&
                    parsed.subcommand().commandSpec().name().equals("heap") && root.heapFileOption() != null;
                return failure(new ShdumpException(ExitCode.BAD_FILE, (heap ? root.heapFileOption() : root.path()) +
                    " was truncated by another process while shdump read it"), err, debug, ex);
            }
            return failure(ex, err, debug);
        }
    }

    /** HotSpot's word for a SIGBUS on a mapped page: a file cut short under the mapping. */
    public static boolean isTruncation(final Throwable ex)
    {
        return ex instanceof InternalError && String.valueOf(ex.getMessage()).contains("unsafe memory access");
    }

    private static int failure(final Throwable ex, final PrintWriter err, final boolean debug)
    {
        return failure(ex, err, debug, ex);
    }

    /** One sentence for {@code ex}, and with --debug the stack trace of {@code cause}. */
    private static int failure(final Throwable ex, final PrintWriter err, final boolean debug, final Throwable cause)
    {
        final int code;
        final String message;
        if (ex instanceof ShdumpException)
        {
            code = ((ShdumpException)ex).exitCode();
            message = ex.getMessage();
        }
        else if (ex instanceof HistoryFormatException || ex instanceof HeapException)
        {
            // A heap file's HeapException is its reader's one sentence on a missing, unreadable or corrupt file.
            code = ExitCode.BAD_FILE;
            message = ex.getMessage();
        }
        else
        {
            code = INTERNAL_ERROR;
            message = "internal error (" + ex + ")" + (debug ? "" : "; run again with --debug and report it");
        }
        err.println("shdump: " + message);
        if (debug)
        {
            cause.printStackTrace(err);
        }
        err.flush();
        return code;
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
