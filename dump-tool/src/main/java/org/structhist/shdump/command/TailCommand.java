package org.structhist.shdump.command;

import org.structhist.reader.HistoryReader;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.follow.Tailer;
import org.structhist.shdump.output.TailLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@code shdump tail}: follows a live history file and prints events as they commit, like {@code tail -f}. */
@Command(
    name = "tail",
    header = "Follow a live file and print events as they commit, like tail -f.",
    description = "Follows a history file that live processes write and prints each event once it is committed, one " +
    "line each: list, address, generation, position, time (UTC), pid, thread, verb, message. Starts from now " +
    "(--from-start: prints every event kept first) and polls every --interval ms, reading only what is new. Per " +
    "object, events come in position order: one still being written holds the later ones back until it commits. " +
    "Markers say what could not be shown: events the ring overwrote before a poll read them, a record whose writer " +
    "died mid-record. Runs until Ctrl-C, SIGTERM or --exit-after, then exits 0. A file that does not " +
    "exist yet is exit code 3.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump tail                                   every event from now on",
        "  shdump tail --list 'TCP con' --obj 0x7f95acf6ea60",
        "  shdump tail --from-start --json | jq -c 'select(.verb == \"TCP_DESTROY\")'",
        "  shdump tail --exit-after 10 > events.txt      for scripts"})
public final class TailCommand extends FileCommand implements Callable<Integer>
{
    /** How long a claimed record of a live writer may hold its object's later events back. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final int MAX_INTERVAL_MILLIS = 60_000;
    private static final double MAX_EXIT_AFTER_SECONDS = 365.0 * 24 * 3600;

    @Option(names = "--list", paramLabel = "NAME", description =
        "Only this list (waits for it if it does not exist yet).")
    String list;

    @Option(names = "--obj", paramLabel = "ADDRESS", converter = Address.class,
        description = "Only incarnations of this address: hex (0x7f95acf6ea60) or decimal.")
    Long address;

    @Option(names = "--json", description =
        "JSON lines: \"event\" objects as show --json prints them, and \"notSeen\" markers.")
    boolean json;

    @Option(names = "--from-start", description = "First print every event the file keeps now, then follow.")
    boolean fromStart;

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "100",
        description = "Milliseconds between polls (default: ${DEFAULT-VALUE}).")
    int intervalMillis;

    @Option(names = "--exit-after", paramLabel = "SECONDS",
        description = "Stop after this many seconds (decimals allowed), printing what was committed until then.")
    Double exitAfterSeconds;

    @Override
    public Integer call()
    {
        if (intervalMillis < 1 || intervalMillis > MAX_INTERVAL_MILLIS)
        {
            throw new ShdumpException(ExitCode.USAGE, "--interval must be 1 to " + MAX_INTERVAL_MILLIS +
                " ms: " + intervalMillis);
        }
        if (exitAfterSeconds != null && !(exitAfterSeconds > 0 && exitAfterSeconds <= MAX_EXIT_AFTER_SECONDS))
        {
            throw new ShdumpException(ExitCode.USAGE,
                "--exit-after must be a positive number of seconds: " + exitAfterSeconds);
        }
        final Path path = root.path();
        if (!Files.exists(path))
        {
            // Waiting for it would hide a wrong path behind silence: a writer creates the file when it opens it.
            throw new ShdumpException(ExitCode.BAD_FILE, path +
                " does not exist: start tail once a writer has created it");
        }
        final HistoryReader reader = reader();
        final PrintWriter out = out();
        final PrintWriter err = err();
        final Tailer tailer = new Tailer(reader, list, address, fromStart, STALL_NANOS,
            json ? TailLines.json() : TailLines.text(style()), note ->
            {
                err.println("shdump: " + note);
                err.flush();
            });

        final long start = System.nanoTime();
        final long deadline = exitAfterSeconds == null ? Long.MAX_VALUE : start + (long)(exitAfterSeconds * 1e9);
        final Stop stop = new Stop(Thread.currentThread());
        final Map<Signal, SignalHandler> previous = stop.install("INT", "TERM");
        try
        {
            tailer.poll(out);
            out.flush();
            err.println("shdump: following " + reader.name() + (list == null ? "" : " list '" + list + "'") +
                (address == null ? "" : " object " + Address.format(address)) +
                (exitAfterSeconds == null ? "; Ctrl-C stops" : " for " + exitAfterSeconds + " s"));
            err.flush();
            long nextPoll = start + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            while (!stop.requested && !out.checkError())
            {
                final long now = System.nanoTime();
                if (now - deadline >= 0)
                {
                    break;
                }
                final long wake = nextPoll - deadline < 0 ? nextPoll : deadline;
                if (wake - now > 0)
                {
                    // A signal unparks this thread: stopping never waits for a whole interval.
                    LockSupport.parkNanos(wake - now);
                    continue;
                }
                if (tailer.poll(out) > 0)
                {
                    out.flush();
                }
                nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            }
            // One last poll: what was committed up to the end is printed, not lost between two polls.
            if (!out.checkError())
            {
                tailer.poll(out);
            }
        }
        finally
        {
            out.flush();
            stop.restore(previous);
        }
        return ExitCode.OK;
    }

    /** SIGINT and SIGTERM end the loop, which then polls once more and flushes, so that shdump exits 0. */
    private static final class Stop implements SignalHandler
    {
        private final Thread loop;
        volatile boolean requested;

        Stop(final Thread loop)
        {
            this.loop = loop;
        }

        @Override
        public void handle(final Signal signal)
        {
            requested = true;
            LockSupport.unpark(loop);
        }

        Map<Signal, SignalHandler> install(final String... names)
        {
            final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
            for (final String name : names)
            {
                try
                {
                    final Signal signal = new Signal(name);
                    previous.put(signal, Signal.handle(signal, this));
                }
                catch (final IllegalArgumentException ex)
                {
                    // The JVM keeps this signal (-Xrs, or not on this OS): it then ends shdump as it would anyway.
                }
            }
            return previous;
        }

        void restore(final Map<Signal, SignalHandler> previous)
        {
            previous.forEach((signal, handler) ->
            {
                try
                {
                    Signal.handle(signal, handler);
                }
                catch (final IllegalArgumentException ex)
                {
                    // It was installed a moment ago, so it can be put back; if not, nothing is left to undo.
                }
            });
        }
    }
}
