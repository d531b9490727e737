package org.structhist.stress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The kill -9 torture harness (invariants 1, 2 and 3 under crashes): {@code --writers W} writer JVMs
 * ({@link TortureWriter}, {@code --threads T} threads each) write to one history file at once; at random
 * moments a random one is killed with SIGKILL, sometimes while it is still starting up (creating or
 * attaching to the file, registering, creating its lists), and restarted. After each kill the other
 * writers are stopped (SIGSTOP, so the file holds still) and the file is read with {@link HistoryReader}:
 * <ul>
 * <li>every VALID event (stamp and checksum checked by the reader) carries its writer's tag, its
 * writer's pid, and its object's address: an event in another incarnation's history would carry
 * another address (no cross-incarnation events);</li>
 * <li>each writer thread's sequence runs without a gap through every object still in its list's window,
 * up to its last committed event: only the last position of a thread's current object may be in flight,
 * and a new in-flight record must belong to the process just killed or to one stopped mid-write (its
 * pid hint is reported);</li>
 * <li>every killed writer is in the registry, dead and not detached.</li>
 * </ul>
 * Records of the shared list that a stale writer clobbered (a writer that claimed a position, stalled
 * while the slot was pushed again, and wrote late: FORMAT.md, Known limitations) are counted, not
 * failed, as long as none passes as VALID. A shared push whose header two racing pushes mixed (the same
 * section: the reader then trusts no address in it) is counted too; its events must name one address,
 * their writers' tags and pids must match, and none may belong to another push. Prints
 * {@code kills=... events=... invalid=0 lost=0} and exits 1 on any violation.
 * <p>
 * Its parts: {@link KillTortureOptions} (the command line), {@link TortureWriterProcess} (one writer JVM),
 * {@link TortureVerifier} (the checks after each kill) and {@link TortureProcesses} (SIGSTOP, SIGCONT);
 * this class runs the rounds.
 * <pre>
 * java -cp stress-tests/target/jcstress.jar org.structhist.stress.KillTorture --kills 1000 --seconds 600
 * </pre>
 */
public final class KillTorture
{
    private final KillTortureOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final Random random;
    private final Path file;
    private final TortureWriterProcess[] writers;
    private final TortureVerifier verifier;
    private long earlyKills;

    private KillTorture(final KillTortureOptions options, final PrintStream out, final PrintStream err, final Path dir)
    {
        this.options = options;
        this.out = out;
        this.err = err;
        this.random = new Random(options.seed);
        this.file = dir.resolve("torture.hist");
        this.writers = new TortureWriterProcess[options.writers];
        this.verifier = new TortureVerifier(file, options.writers, options.threads);
    }

    /** What a run found; {@link #ok()} when nothing was violated. */
    public static final class Result
    {
        public final int kills;
        public final long events;
        public final long invalid;
        public final long lost;
        public final List<String> violations;
        public final String summary;

        Result(final int kills, final long events, final long invalid, final long lost, final List<String> violations,
            final String summary)
        {
            this.kills = kills;
            this.events = events;
            this.invalid = invalid;
            this.lost = lost;
            this.violations = violations;
            this.summary = summary;
        }

        public boolean ok()
        {
            return invalid == 0 && lost == 0 && violations.isEmpty();
        }
    }

    public static void main(final String[] args)
    {
        final Result result;
        try
        {
            result = run(KillTortureOptions.parse(args), System.out, System.err);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("KillTorture: " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.exit(result.ok() ? 0 : 1);
    }

    public static Result run(final KillTortureOptions options, final PrintStream out, final PrintStream err)
    {
        final Path dir;
        try
        {
            dir = options.dir != null ? Files.createDirectories(options.dir) : Files.createTempDirectory(tempParent(),
                "structhist-torture-");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot make a directory for the torture file", ex);
        }
        final KillTorture torture = new KillTorture(options, out, err, dir);
        try
        {
            return torture.torture();
        }
        finally
        {
            torture.killAll();
            if (!options.keep)
            {
                deleteTree(dir);
            }
            else
            {
                out.println("KillTorture: kept " + torture.file);
            }
        }
    }

    private Result torture()
    {
        out.printf("KillTorture: %d kills, %s, %d writers x %d threads, seed %d, file %s%n", options.kills,
            options.seconds == 0 ? "no time limit" : "at most " + options.seconds + " s", options.writers,
            options.threads, options.seed, file);
        final long started = System.nanoTime();
        for (int w = 0; w < writers.length; w++)
        {
            writers[w] = start(w, 0);
        }
        int kills = 0;
        while (kills < options.kills && !verifier.reportIsFull() &&
            (options.seconds == 0 || System.nanoTime() - started < TimeUnit.SECONDS.toNanos(options.seconds)))
        {
            final TortureWriterProcess victim = writers[random.nextInt(writers.length)];
            if (random.nextInt(5) == 0)
            {
                // A kill at any moment of its life, startup included: creating the file, registering, creating lists.
                TortureProcesses.sleepMillis(random.nextInt(400) - victim.ageMillis());
                earlyKills++;
            }
            else
            {
                victim.awaitReady();
                TortureProcesses.sleepMillis(random.nextInt(200));
            }
            victim.kill();
            kills++;
            verifier.writerKilled(victim.pid);
            final List<Long> others = new ArrayList<>();
            for (final TortureWriterProcess w : writers)
            {
                if (w != victim)
                {
                    others.add(w.pid);
                }
            }
            TortureProcesses.signal("-STOP", others);
            try
            {
                verifier.verify(new HashSet<>(others));
            }
            finally
            {
                TortureProcesses.signal("-CONT", others);
            }
            writers[victim.slot] = start(victim.slot, victim.restart + 1);
        }
        // The last round: every writer killed, the file as the last of them left it.
        for (final TortureWriterProcess w : writers)
        {
            w.kill();
            verifier.writerKilled(w.pid);
        }
        verifier.verify(Set.of());
        final long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        final long events = verifier.events();
        final String summary = String.format("kills=%d events=%d invalid=%d lost=%d", kills, events,
            verifier.invalid(), verifier.lost());
        out.printf("KillTorture: %d rounds in %d s (%d kills during startup, %d more at the end); %d valid shared " +
            "events, %d records in flight at a kill (%d with another event's pid hint), %d shared records clobbered " +
            "by stale writers (never valid), %d shared pushes with a mixed header (their events checked against " +
            "each other); seed %d%n", verifier.rounds(), seconds, earlyKills, writers.length,
            verifier.sharedValid(), verifier.inFlight(), verifier.inFlightPidStale(), verifier.clobbered(),
            verifier.sharedHeadersMixed(), options.seed);
        final List<String> violations = verifier.violations();
        for (final String v : violations)
        {
            err.println("VIOLATION " + v);
        }
        out.println(summary);
        return new Result(kills, events, verifier.invalid(), verifier.lost(), violations, summary);
    }

    private TortureWriterProcess start(final int slot, final int restart)
    {
        final TortureWriterProcess writer = new TortureWriterProcess(file, slot, restart, options.threads);
        verifier.writerStarted(slot, restart, writer.pid);
        return writer;
    }

    private void killAll()
    {
        for (final TortureWriterProcess w : writers)
        {
            if (w != null)
            {
                w.destroy();
            }
        }
    }

    private static Path tempParent()
    {
        final Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ignore)
        {
            // Best effort.
        }
    }
}
