package org.structhist.shdump.command;

import org.structhist.ClockMode;
import org.structhist.Effect;
import org.structhist.alloc.example.ConnectionDescriptor;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.HistoryFormatException;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AnomalyKind;
import org.structhist.audit.HistoryAudit;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.Incarnation;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.demo.ProcessDemo;
import org.structhist.shdump.demo.ServerBench;
import org.structhist.shdump.demo.ServerProcess;
import org.structhist.shdump.demo.TcpServer;
import org.structhist.shdump.heap.HeapView;
import org.structhist.shdump.output.HtmlReport;
import org.structhist.shdump.output.Style;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code shdump demo}: the OpenSIPS TCP refcount bug, replayed and solved in a few seconds, as OpenSIPS
 * runs: tcp-main and its workers are separate processes that share connection structs in a shared heap
 * and pass them by address over ring buffers ({@link ProcessDemo}). One worker frees a connection
 * tcp-main still holds; tcp-main crashes on it. Then this command runs the real {@code check},
 * {@code --obj} and {@code heap --addr} on the files left behind, on the same output, and says how to read
 * them. Nothing here renders a history itself: what the user sees is exactly what those commands print.
 * {@code --threads} replays the same story with threads in one child JVM ({@link TcpServer}), and
 * {@code --bench N} measures the server at full speed with history off and on.
 */
@Command(
    name = "demo",
    header = "Replay the OpenSIPS TCP refcount bug in a crashing server and find its cause.",
    sortOptions = false,
    // One paragraph per element, so picocli wraps it to the terminal.
    description = {
        "Replays the OpenSIPS TCP refcount bug and finds its cause: tcp-main and " + TcpServer.WORKERS +
            " workers run as separate JVM processes sharing refcounted TCP connection structs in a shared heap; " +
            "tcp-main hands each connection a client opened to a worker by its address over ring buffers in a " +
            "shared file, one worker's asynchronous write drops a reference too many, and tcp-main crashes on " +
            "the freed connection. Then 'check', '--obj' and 'heap --addr' read the files left behind and point " +
            "at the worker process that freed it. Takes a few seconds.",
        "Exit code 0 when the culprit was found, 1 otherwise."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump demo",
        "  shdump demo --seed 7 --keep demo   then: shdump check --file demo/tcp.hist",
        "  shdump demo --threads              the same story with threads in one JVM",
        "  shdump demo --bench 5000           connections/s with history off, exact clock, coarse clock",
        "  shdump demo --bench 5000 --warmup 20000"})
public final class DemoCommand implements Callable<Integer>
{
    /** Far more than the server needs (well under a second of work); only a hung child waits this long. */
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(60);
    /** The demo's last step: the victim's life as a page (issue 17's {@code --html}). */
    static final String VICTIM_PAGE = "victim.html";
    private static final int WIDTH = 100;
    /** How the re-run commands name shdump: the launcher at the repository's root. */
    private static final String LAUNCHER = "./shdump";
    /** Bytes of the crashed struct {@code heap --addr} dumps: the whole connection struct. */
    private static final int STRUCT_BYTES = ConnectionDescriptor.LENGTH;

    @CommandLine.ParentCommand
    RootCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--keep", paramLabel = "DIR",
        description = "Write the files (" + ProcessDemo.HISTORY_FILE + ", " + ProcessDemo.HEAP_FILE + ", " +
            ProcessDemo.RINGS_FILE + ") in this directory and keep them, and print the commands that read them " +
            "(files of an earlier demo there are replaced; the directory is created if missing). Default: a " +
            "temporary directory, removed afterwards.")
    Path keep;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Picks the connection whose write takes the buggy path, and the workers (default: " +
            "${DEFAULT-VALUE}). The same seed tells the same story every run.")
    long seed;

    @Option(names = "--threads",
        description = "The story with tcp-main and the workers as threads of one child JVM, connections as " +
            "plain objects (the demo before it ran processes).")
    boolean threads;

    @Option(names = "--bench", paramLabel = "N",
        description = "No bug, no demo: serve N connections at full speed, " + ServerBench.ROUNDS + " times each " +
            "with history off, on with the exact clock and on with the coarse clock (interleaved), each run after a " +
            "warm-up (see --warmup), and print connections per second.")
    Integer bench;

    @Option(names = "--warmup", paramLabel = "W",
        description = "With --bench: connections each run serves first, not counted, so that the JIT has compiled " +
            "the hot paths before the measured window opens (default: " + ServerBench.DEFAULT_WARMUP + ").")
    Integer warmup;

    @Override
    public Integer call() throws IOException
    {
        if (root.fileOption() != null)
        {
            throw new ShdumpException(ExitCode.USAGE, "the demo writes its own files; to keep them, give a directory " +
                "with --keep DIR instead of --file");
        }
        if (bench != null)
        {
            if (threads || keep != null)
            {
                throw new ShdumpException(ExitCode.USAGE, "--bench runs the process server on its own; it does not " +
                    "go with --threads or --keep");
            }
            if (bench < 1 || bench > 1_000_000)
            {
                throw new ShdumpException(ExitCode.USAGE, "--bench needs 1 to 1000000 connections, not " + bench);
            }
            final int warmupConnections = warmup == null ? ServerBench.DEFAULT_WARMUP : warmup;
            if (warmupConnections < 0 || warmupConnections > 1_000_000)
            {
                throw new ShdumpException(ExitCode.USAGE, "--warmup needs 0 to 1000000 connections, not " +
                    warmupConnections);
            }
            return bench(bench, warmupConnections);
        }
        if (warmup != null)
        {
            throw new ShdumpException(ExitCode.USAGE, "--warmup sets the warm-up of --bench; give it with --bench N");
        }
        if (keep != null)
        {
            keepDirectory(keep);
            return replay(keep, true);
        }
        final Path dir = Files.createTempDirectory("shdump-demo-");
        try
        {
            return replay(dir, false);
        }
        finally
        {
            for (final String name : List.of(ProcessDemo.HISTORY_FILE, ProcessDemo.HEAP_FILE, ProcessDemo.RINGS_FILE))
            {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }

    private int replay(final Path dir, final boolean kept) throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        out.println(root.style().bold("shdump demo") + ": the OpenSIPS TCP refcount bug, replayed " +
            (threads ? "with threads" : "across processes") + " (seed " + seed + ")");
        out.println();
        out.flush();
        return threads ? replayThreads(dir.resolve(ProcessDemo.HISTORY_FILE), kept) : replayProcesses(dir, kept);
    }

    private int replayProcesses(final Path dir, final boolean kept) throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Style style = root.style();
        final ProcessDemo.Result server = ProcessDemo.run(new ProcessDemo.Setup(dir, seed, ProcessDemo.CONNECTIONS, 0,
            true, ClockMode.EXACT, true), SERVER_TIMEOUT);
        final String pids = server.workerPids().stream().map(String::valueOf).collect(Collectors.joining(", "));
        if (!server.crashed())
        {
            out.println("1. tcp-main (pid " + server.mainPid() + ") and its workers (pids " + pids + ") ran and " +
                "tcp-main should have crashed, but it " + (server.mainExitCode() < 0 ? "hung" : "exited with " +
                server.mainExitCode()) + ":");
            server.output().forEach(line -> out.println("   | " + line));
            out.flush();
            err.println("shdump demo: tcp-main did not crash, so there is no culprit to find: a bug in the demo");
            return ExitCode.FOUND;
        }
        final Path file = dir.resolve(ProcessDemo.HISTORY_FILE);
        final Path heap = dir.resolve(ProcessDemo.HEAP_FILE);
        final String address = server.crashAddress();
        out.println(wrap("1. ", "tcp-main (pid " + server.mainPid() + ") and " + TcpServer.WORKERS + " worker " +
            "processes (pids " + pids + ") ran, each a JVM of its own. A client in this process opened TCP " +
            "connections to tcp-main on 127.0.0.1; tcp-main kept each as a refcounted struct in a shared " +
            "heap (" + ProcessDemo.HEAP_FILE + ") and handed it to a worker by its address over ring buffers in a " +
            "shared file (" + ProcessDemo.RINGS_FILE + "). tcp-main died on the spot (exit " + server.mainExitCode() +
            "), with its history and heap files left behind:", "   "));
        server.output().forEach(line -> out.println("   | " + line));
        out.println(wrap("   ", "The backtrace names the victim, " + address + ", and the heap the pid that freed " +
            "it, not why. The history file does, read by shdump in another process after the fact:", "   "));
        out.println();

        runStep(out, err, "2. shdump check --file " + file, "--file", file.toString(), "check");
        final Optional<Anomaly> bug = bugOf(file, Address.parse(address));
        final Optional<ExtraUnref> extra = extraUnref(file, Address.parse(address));
        if (bug.isEmpty() || extra.isEmpty())
        {
            out.flush();
            err.println("shdump demo: the audit finds no bug in the history of " + address + ": the culprit " +
                "was not found");
            return ExitCode.FOUND;
        }
        out.println(wrap("   ", "LEAK_AT_DEATH: connections still open when tcp-main died, as after any crash. " +
            "CAUGHT_BY_LIBRARY: the crash itself, the use after free the heap caught on the chunk (the effect). " +
            bug.get().kind().name() + ": the bug, on the connection the backtrace named.", "   "));
        out.println();
        runStep(out, err, "3. shdump --obj " + address + " --file " + file, "--file", file.toString(), "--obj",
            address);
        out.println();
        runStep(out, err, "4. shdump heap --addr " + address + " --bytes " + STRUCT_BYTES + " --heap-file " + heap,
            "--heap-file", heap.toString(), "heap", "--addr", address, "--bytes", Integer.toString(STRUCT_BYTES));
        out.println();
        final Victim victim = new Victim(dir, address, bug.get(), extra.get(),
            chunkState(heap, Address.parse(address)));
        out.println(style.bold("What happened"));
        out.println(wrap("", explainProcesses(victim), ""));
        out.println();
        final Optional<Path> page = victimPage(file, address, dir, kept);
        if (page.isPresent())
        {
            out.println(wrap("", "A picture of the victim's life, one lane per process and thread, its refcount " +
                "and the culprit marked, in a page any browser opens offline: " + page.get(), ""));
            out.println();
        }

        final String d = dir.toString();
        if (kept)
        {
            out.println("The files stay in " + d + "; read them yourself:");
        }
        else
        {
            out.println("Run it yourself (the same seed gives the same culprit; --keep keeps the files):");
            out.println("  " + LAUNCHER + " demo --seed " + seed + " --keep demo");
        }
        final String shown = kept ? d : "demo";
        out.println("  " + LAUNCHER + " check --file " + shown + "/" + ProcessDemo.HISTORY_FILE);
        out.println("  " + LAUNCHER + " --obj " + address + " --file " + shown + "/" + ProcessDemo.HISTORY_FILE);
        out.println("  " + LAUNCHER + " heap --addr " + address + " --heap-file " + shown + "/" +
            ProcessDemo.HEAP_FILE);
        out.println("  " + LAUNCHER + " heap --heap-file " + shown + "/" + ProcessDemo.HEAP_FILE);
        out.println("  " + LAUNCHER + " info --file " + shown + "/" + ProcessDemo.HISTORY_FILE);
        out.flush();
        return ExitCode.OK;
    }

    /**
     * Writes the victim's HTML page ({@code shdump --obj ADDRESS --html}): beside the kept files, or, when
     * the demo's files are temporary, alone in a directory of its own that outlives them.
     */
    private static Optional<Path> victimPage(final Path history, final String address, final Path dir,
        final boolean kept) throws IOException
    {
        final Path pageDir = kept ? dir : Files.createTempDirectory("shdump-demo-page-");
        final Path page = pageDir.resolve(VICTIM_PAGE);
        try (HistoryReader reader = HistoryReader.open(history))
        {
            if (HtmlReport.write(reader, history, Address.parse(address), page.toString()) > 0)
            {
                return Optional.of(page);
            }
        }
        if (!kept)
        {
            Files.deleteIfExists(pageDir);
        }
        return Optional.empty();
    }

    /**
     * Everything the process demo learned about the connection tcp-main crashed on, in one value: the files,
     * the address, the audit's finding, the worker's two unrefs and the chunk's state. What the text report
     * is made from, and what a report in another form takes.
     */
    record Victim(Path dir, String address, Anomaly bug, ExtraUnref extra, String chunkState)
    {
    }

    /** The worker's two unrefs for the one reference its hand-off gave it, from the connection's history. */
    record ExtraUnref(Event handOff, Event first, Event extra, Event destroy)
    {
    }

    /**
     * In the last incarnation of {@code address} in the connection list: the DESTROY, the hand-off before it,
     * and the two UNREFs the destroying thread logged after that hand-off. Empty if the history shows
     * anything else (then the demo did not tell its story).
     */
    static Optional<ExtraUnref> extraUnref(final Path file, final long address)
    {
        try (HistoryReader reader = HistoryReader.open(file))
        {
            final Optional<ListInfo> list = reader.list(TcpServer.LIST);
            if (list.isEmpty())
            {
                return Optional.empty();
            }
            final List<Incarnation> incarnations = reader.incarnationsOf(address).stream()
                .filter(i -> i.list().index() == list.get().index()).toList();
            if (incarnations.isEmpty())
            {
                return Optional.empty();
            }
            final List<Event> events = reader.events(incarnations.get(incarnations.size() - 1));
            int destroy = -1;
            for (int i = 0; i < events.size() && destroy < 0; i++)
            {
                if (events.get(i).status() == EventStatus.VALID && events.get(i).effect() == Effect.DESTROY)
                {
                    destroy = i;
                }
            }
            int handOff = destroy - 1;
            while (handOff >= 0 && events.get(handOff).effect() != Effect.HANDOFF)
            {
                handOff--;
            }
            if (destroy < 0 || handOff < 0)
            {
                return Optional.empty();
            }
            final Event d = events.get(destroy);
            final List<Event> unrefs = events.subList(handOff + 1, destroy).stream()
                .filter(e -> e.effect() == Effect.UNREF && e.pid() == d.pid() && e.threadId() == d.threadId())
                .toList();
            return unrefs.size() != 2 ? Optional.empty() :
                Optional.of(new ExtraUnref(events.get(handOff), unrefs.get(0), unrefs.get(1), d));
        }
    }

    /** The state the heap gives the chunk at {@code address} now, as {@code heap --addr} names it. */
    private static String chunkState(final Path heap, final long address)
    {
        final HeapView view = HeapView.open(heap);
        return view.read(() ->
        {
            final ChunkInfo chunk = view.reader().chunkAt(address);
            return chunk == null ? "in no chunk" : chunk.stateName() + (chunk.freedByPid() != 0 ?
                ", freed by pid " + chunk.freedByPid() : "");
        });
    }

    /**
     * What happened, across processes: the audit's own culprit line, quoted; the worker's two unrefs for
     * its one reference, from the connection's history; the chunk's state, from the heap.
     */
    static String explainProcesses(final Victim victim)
    {
        final Anomaly bug = victim.bug();
        final ExtraUnref extra = victim.extra();
        final String chunkState = victim.chunkState();
        final Event worker = extra.extra();
        final String who = worker.threadName() + " (pid " + worker.pid() + ")";
        return "The audit's culprit line: " + bug.culpritLine() + ". In the connection's history, " + who +
            " was handed one reference at #" + extra.handOff().position() + " (\"" + extra.handOff().message() +
            "\") and released two: #" + extra.first().position() + " and #" + worker.position() + " (\"" +
            worker.message() + "\"), one too many, on its asynchronous write path. That unref took the count to " +
            "0, so " + who + " destroyed the struct at #" + extra.destroy().position() + " and freed its chunk " +
            "while " + TcpServer.MAIN_THREAD + " still counted on its own reference; the heap shows the chunk " +
            chunkState + ". " + TcpServer.MAIN_THREAD + "'s next send took a reference on the freed struct (#" +
            bug.event().position() + ", as the C code does: a plain increment) and read it in tcp_conn_write, " +
            "where the heap's checked access caught it and the backtrace points: in another process than the " +
            "one with the bug, as in OpenSIPS.";
    }

    /** Serves {@code connections} after {@code warmup} at full speed in each configuration, interleaved. */
    private int bench(final int connections, final int warmup) throws IOException
    {
        final String failed = new ServerBench(spec.commandLine().getOut(), seed, connections, warmup).run();
        if (failed != null)
        {
            spec.commandLine().getErr().println("shdump demo --bench: the server did not serve its " + connections +
                " connections (" + failed + ")");
            return ExitCode.FOUND;
        }
        return ExitCode.OK;
    }

    /** The threads variant: the server in one child JVM, the history in {@code file}. */
    private int replayThreads(final Path file, final boolean kept) throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Style style = root.style();
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

        runStep(out, err, "2. shdump check --file " + file, "--file", file.toString(), "check");
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
        runStep(out, err, "3. shdump --obj " + address + " --file " + file, "--file", file.toString(), "--obj",
            address);
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
            out.println("  " + LAUNCHER + " demo --threads --seed " + seed + " --keep demo");
        }
        final String shown = kept ? f : "demo/" + ProcessDemo.HISTORY_FILE;
        out.println("  " + LAUNCHER + " check --file " + shown);
        out.println("  " + LAUNCHER + " --obj " + address + " --file " + shown);
        out.println("  " + LAUNCHER + " objects --live --file " + shown);
        out.println("  " + LAUNCHER + " info --file " + shown);
        out.flush();
        return ExitCode.OK;
    }

    /**
     * A directory --keep may write the demo's files in: created (owner-only) if missing; files of an earlier
     * demo in it are replaced, but not a history file a live process writes, nor anything that is not one.
     */
    private static void keepDirectory(final Path dir) throws IOException
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new ShdumpException(ExitCode.USAGE, "--keep names a directory for the demo's files; " + dir +
                " is not a directory, and the demo will not overwrite it");
        }
        if (!Files.exists(dir))
        {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                "rwx------")));
        }
        replaceable(dir.resolve(ProcessDemo.HISTORY_FILE));
        Files.deleteIfExists(dir.resolve(ProcessDemo.HEAP_FILE));
        Files.deleteIfExists(dir.resolve(ProcessDemo.RINGS_FILE));
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
     * The first bug (not information) the audit finds in the histories of {@code address}, in any list,
     * preferring one whose cause it could name; empty when there is none.
     */
    private static Optional<Anomaly> bugOf(final Path file, final long address)
    {
        try (HistoryReader reader = HistoryReader.open(file))
        {
            final HistoryAudit audit = new HistoryAudit(reader);
            return reader.lists().stream()
                .flatMap(list -> audit.auditList(list).stream())
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

    /**
     * One step of the story: its title, then exactly what the real shdump prints for {@code shdumpArgs} (plain
     * when this command's output is).
     */
    private void runStep(final PrintWriter out, final PrintWriter err, final String title, final String... shdumpArgs)
    {
        final Style style = root.style();
        out.println(style.bold(title));
        out.flush();
        final List<String> all = new ArrayList<>();
        if (!style.enabled())
        {
            all.add("--no-color");
        }
        all.addAll(List.of(shdumpArgs));
        root.execute(out, err, all.toArray(new String[0]));
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
