package org.structhist.shdump.command;

import org.structhist.Effect;
import org.structhist.HistoryFormatException;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AnomalyKind;
import org.structhist.audit.HistoryAudit;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;
import org.structhist.shdump.Address;
import org.structhist.shdump.ExitCode;
import org.structhist.shdump.Shdump;
import org.structhist.shdump.ShdumpException;
import org.structhist.shdump.demo.ServerProcess;
import org.structhist.shdump.demo.TcpServer;
import org.structhist.shdump.output.Style;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code shdump demo}: the OpenSIPS TCP refcount bug, replayed and solved in a few seconds. A server in
 * a child JVM ({@link TcpServer}) crashes on a connection a worker destroyed too early; then this
 * command runs the real {@code check} and {@code show} on the history file it left, on the same output,
 * and says how to read them. Nothing here renders a history itself: what the user sees is exactly
 * what those commands print.
 */
@Command(
    name = "demo",
    header = "Replay the OpenSIPS TCP refcount bug in a crashing server and find its cause.",
    sortOptions = false,
    // One paragraph per element, so picocli wraps it to the terminal.
    description = {
        "Replays the OpenSIPS TCP refcount bug and finds its cause: a server in a child JVM hands refcounted " +
            "TCP connections between a main loop and worker threads, one asynchronous write drops a reference " +
            "too many, and the server crashes on the freed connection. Then 'check' and 'show' read the history " +
            "file it left and point at the worker that destroyed the connection. Takes a few seconds.",
        "Exit code 0 when the culprit was found, 1 otherwise."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump demo",
        "  shdump demo --seed 7 --keep demo.hist   then: shdump check --file demo.hist"})
public final class DemoCommand implements Callable<Integer>
{
    /** Far more than the server needs (well under a second of work); only a hung child waits this long. */
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(60);
    private static final int WIDTH = 100;
    /** How the re-run commands name shdump: the launcher at the repository's root. */
    private static final String LAUNCHER = "./shdump";

    @CommandLine.ParentCommand
    Shdump root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--keep", paramLabel = "FILE",
        description = "Write the history file here and keep it (a history file already there is replaced; " +
            "--file FILE does the same). Default: a temporary file, removed afterwards.")
    Path keep;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Picks the connection whose write takes the buggy path, and the workers (default: " +
            "${DEFAULT-VALUE}). The same seed tells the same story every run.")
    long seed;

    @Override
    public Integer call() throws IOException
    {
        final Path kept = keep != null ? keep : root.fileOption();
        if (kept != null)
        {
            replaceable(kept);
            return replay(kept, true);
        }
        final Path dir = Files.createTempDirectory("shdump-demo-");
        final Path file = dir.resolve("tcp.hist");
        try
        {
            return replay(file, false);
        }
        finally
        {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private int replay(final Path file, final boolean kept) throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Style style = root.style();
        out.println(style.bold("shdump demo") + ": the OpenSIPS TCP refcount bug, replayed (seed " + seed + ")");
        out.println();
        out.flush();

        final ServerProcess.Result server = ServerProcess.run(file, seed, SERVER_TIMEOUT);
        if (!server.crashed())
        {
            out.println("1. a server ran and should have crashed, but " +
                (server.exitCode() < 0 ? "hung" : "exited with " + server.exitCode()) + ":");
            server.output().forEach(line -> out.println("   | " + line));
            out.flush();
            err.println("shdump demo: the server did not crash, so there is no culprit to find: a bug in the demo");
            return ExitCode.FOUND;
        }
        final String address = server.crashAddress();
        out.println(wrap("1. ", "a server ran and crashed: " + TcpServer.MAIN_THREAD + " accepted refcounted TCP " +
            "connections and handed them to " + TcpServer.WORKERS + " worker threads; the JVM died on the spot " +
            "(exit " + server.exitCode() + ") and left its history file behind.", "   "));
        server.output().forEach(line -> out.println("   | " + line));
        out.println(wrap("   ", "The backtrace names the victim, " + address + ", not who freed it. The history file " +
            "does, read by shdump in another process after the fact:", "   "));
        out.println();

        final List<String> flags = new ArrayList<>();
        if (!style.enabled())
        {
            flags.add("--no-color");
        }
        out.println(style.bold("2. shdump check --file " + file));
        out.flush();
        Shdump.run(out, err, args(flags, "--file", file.toString(), "check"));
        final Optional<Anomaly> bug = bugOf(file, Address.parse(address));
        if (bug.isEmpty())
        {
            out.flush();
            err.println("shdump demo: the audit finds no bug in the history of " + address + ": the culprit " +
                "was not found");
            return ExitCode.FOUND;
        }
        out.println(wrap("   ", "LEAK_AT_DEATH: connections still open when the server died, as after any crash. " +
            bug.get().kind().name() + ": the bug, on the connection the backtrace named.", "   "));
        out.println();
        out.println(style.bold("3. shdump --obj " + address + " --file " + file));
        out.flush();
        Shdump.run(out, err, args(flags, "--file", file.toString(), "--obj", address));
        out.println();
        out.println(wrap("", explain(bug.get()), ""));
        out.println();

        final String f = file.toString();
        if (kept)
        {
            out.println("The history file stays in " + f + "; read it yourself:");
        }
        else
        {
            out.println("Run it yourself (the same seed gives the same culprit; --keep keeps the file):");
            out.println("  " + LAUNCHER + " demo --seed " + seed + " --keep demo.hist");
        }
        final String shown = kept ? f : "demo.hist";
        out.println("  " + LAUNCHER + " check --file " + shown);
        out.println("  " + LAUNCHER + " --obj " + address + " --file " + shown);
        out.println("  " + LAUNCHER + " objects --live --file " + shown);
        out.println("  " + LAUNCHER + " info --file " + shown);
        out.flush();
        return ExitCode.OK;
    }

    /** A file --keep may write: absent, or a history file no live process writes. */
    private static void replaceable(final Path path)
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            final List<WriterInfo> alive = reader.writers().stream().filter(WriterInfo::alive).toList();
            if (!alive.isEmpty())
            {
                throw new ShdumpException(ExitCode.USAGE, path + " is being written by pid " + alive.get(0).pid() +
                    "; the demo will not replace it");
            }
        }
        catch (final HistoryFormatException ex)
        {
            throw new ShdumpException(ExitCode.USAGE, path + " exists and is not a history file (" + ex.getMessage() +
                "); the demo will not overwrite it");
        }
        try
        {
            Files.delete(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot replace " + path, ex);
        }
    }

    /**
     * The first bug (not information) the audit finds in the history of {@code address}, preferring one whose
     * cause it could name; empty when there is none.
     */
    private static Optional<Anomaly> bugOf(final Path file, final long address)
    {
        try (HistoryReader reader = HistoryReader.open(file))
        {
            final HistoryAudit audit = new HistoryAudit(reader);
            final Optional<ListInfo> list = reader.list(TcpServer.LIST);
            if (list.isEmpty())
            {
                return Optional.empty();
            }
            return audit.auditList(list.get()).stream()
                .filter(h -> h.incarnation().address() == address)
                .flatMap(h -> h.anomalies().stream())
                .filter(a -> !a.information() && a.kind() != AnomalyKind.LEAK_AT_DEATH)
                .min(Comparator.comparing((Anomaly a) -> a.cause() == null));
        }
    }

    /**
     * How to read the history just shown: the audit's own culprit line, quoted, and what it means for this
     * server. Derived from the audit, so it says what this run shows.
     */
    static String explain(final Anomaly bug)
    {
        final String line = "The audit's culprit line: " + bug.culpritLine() + ".";
        final Event culprit = bug.causeEvent();
        if (culprit == null || culprit.effect() != Effect.UNREF)
        {
            return line + " The unrefs before the destroy show who dropped a reference that was not theirs.";
        }
        return line + " So the bug is the extra unref " + culprit.threadName() + " logged at #" + culprit.position() +
            " (\"" + culprit.message() + "\"), on its asynchronous write path: it destroyed the connection while " +
            TcpServer.MAIN_THREAD + " still counted on its own reference, and " + TcpServer.MAIN_THREAD +
            "'s next send on it crashed, in tcp_conn_write, where the backtrace points.";
    }

    private static String[] args(final List<String> flags, final String... rest)
    {
        final List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    /** {@code first} then {@code text}, wrapped at {@link #WIDTH} columns; later lines start with {@code indent}. */
    static String wrap(final String first, final String text, final String indent)
    {
        final StringBuilder sb = new StringBuilder(first);
        int column = first.length();
        boolean lineEmpty = true;
        for (final String word : text.split(" "))
        {
            if (!lineEmpty && column + 1 + word.length() > WIDTH)
            {
                sb.append(System.lineSeparator()).append(indent);
                column = indent.length();
            }
            else if (!lineEmpty)
            {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
            lineEmpty = false;
        }
        return sb.toString();
    }
}
