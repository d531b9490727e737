package org.structhist.stress;

import org.structhist.HistoryFormatException;
import org.structhist.format.HandleDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * failed, as long as none passes as VALID. Prints {@code kills=... events=... invalid=0 lost=0} and exits
 * 1 on any violation.
 * <pre>
 * java -cp stress-tests/target/jcstress.jar org.structhist.stress.KillTorture --kills 1000 --seconds 600
 * </pre>
 */
public final class KillTorture
{
    private static final int SIGKILL_EXIT = 128 + 9;
    private static final int MAX_REPORTED = 20;

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final Random random;
    private final Path file;
    private final Writer[] writers;
    /** Pid of each (writer slot, restart) process. */
    private final Map<Long, Long> pidOfTag = new HashMap<>();
    private final Set<Long> allPids = new HashSet<>();
    private final List<Long> killedPids = new ArrayList<>();
    private final Set<String> inFlightSeen = new HashSet<>();
    /** Per (list, push number): valid positions verified, the most seen; their sum is the events count. */
    private final Map<Long, Integer> verified = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long invalid;
    private long lost;
    private long inFlight;
    private long inFlightPidStale;
    private long clobbered;
    private long sharedValid;
    private long earlyKills;
    private long rounds;

    private KillTorture(final Options options, final PrintStream out, final PrintStream err, final Path dir)
    {
        this.options = options;
        this.out = out;
        this.err = err;
        this.random = new Random(options.seed);
        this.file = dir.resolve("torture.hist");
        this.writers = new Writer[options.writers];
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

    /** Command line options. */
    public static final class Options
    {
        int kills = 100;
        long seconds;
        int writers = 3;
        int threads = 2;
        long seed = System.nanoTime();
        Path dir;
        boolean keep;

        public static Options parse(final String... args)
        {
            final Options o = new Options();
            for (int i = 0; i < args.length; i++)
            {
                final String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--kills": o.kills = Integer.parseInt(need(args[i], value)); i++; break;
                    case "--seconds": o.seconds = Long.parseLong(need(args[i], value)); i++; break;
                    case "--writers": o.writers = Integer.parseInt(need(args[i], value)); i++; break;
                    case "--threads": o.threads = Integer.parseInt(need(args[i], value)); i++; break;
                    case "--seed": o.seed = Long.parseLong(need(args[i], value)); i++; break;
                    case "--dir": o.dir = Paths.get(need(args[i], value)); i++; break;
                    case "--keep": o.keep = true; break;
                    default: throw new IllegalArgumentException("unknown option " + args[i] + "; use --kills N " +
                        "--seconds S --writers W --threads T [--seed X] [--dir DIR] [--keep]");
                }
            }
            if (o.kills < 1 || o.writers < 1 || o.threads < 1 || o.writers > 16 || o.threads > 8 || o.seconds < 0)
            {
                throw new IllegalArgumentException("need --kills >= 1, --writers 1..16, " +
                    "--threads 1..8, --seconds >= 0");
            }
            return o;
        }

        private static String need(final String option, final String value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    public static void main(final String[] args)
    {
        final Result result;
        try
        {
            result = run(Options.parse(args), System.out, System.err);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("KillTorture: " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.exit(result.ok() ? 0 : 1);
    }

    public static Result run(final Options options, final PrintStream out, final PrintStream err)
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
        while (kills < options.kills && violations.size() < MAX_REPORTED &&
            (options.seconds == 0 || System.nanoTime() - started < TimeUnit.SECONDS.toNanos(options.seconds)))
        {
            final Writer victim = writers[random.nextInt(writers.length)];
            if (random.nextInt(5) == 0)
            {
                // A kill at any moment of its life, startup included: creating the file, registering, creating lists.
                sleepMillis(random.nextInt(400) - victim.ageMillis());
                earlyKills++;
            }
            else
            {
                victim.awaitReady();
                sleepMillis(random.nextInt(200));
            }
            victim.kill();
            kills++;
            killedPids.add(victim.pid);
            final List<Writer> others = new ArrayList<>();
            for (final Writer w : writers)
            {
                if (w != victim)
                {
                    others.add(w);
                }
            }
            signal("-STOP", others);
            try
            {
                verify(others);
            }
            finally
            {
                signal("-CONT", others);
            }
            writers[victim.slot] = start(victim.slot, victim.restart + 1);
        }
        // The last round: every writer killed, the file as the last of them left it.
        for (final Writer w : writers)
        {
            w.kill();
            killedPids.add(w.pid);
        }
        verify(List.of());
        final long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        long events = 0;
        for (final int count : verified.values())
        {
            events += count;
        }
        final String summary = String.format("kills=%d events=%d invalid=%d lost=%d", kills, events, invalid, lost);
        out.printf("KillTorture: %d rounds in %d s (%d kills during startup, %d more at the end); %d valid shared " +
            "events, %d records in flight at a kill (%d with another event's pid hint), %d shared records clobbered " +
            "by stale writers (never valid); seed %d%n", rounds, seconds, earlyKills, writers.length, sharedValid,
            inFlight, inFlightPidStale, clobbered, options.seed);
        for (final String v : violations)
        {
            err.println("VIOLATION " + v);
        }
        out.println(summary);
        return new Result(kills, events, invalid, lost, List.copyOf(violations), summary);
    }

    private void verify(final List<Writer> stopped)
    {
        rounds++;
        if (!Files.exists(file))
        {
            return; // every writer so far died before creating it
        }
        final HistoryReader reader;
        try
        {
            reader = HistoryReader.open(file);
        }
        catch (final HistoryFormatException ex)
        {
            if (String.valueOf(ex.getMessage()).contains("still being initialised"))
            {
                return;
            }
            violation(true, "the file cannot be read after a kill: " + ex.getMessage());
            return;
        }
        final Set<Long> stoppedPids = new HashSet<>();
        for (final Writer w : stopped)
        {
            stoppedPids.add(w.pid);
        }
        for (int w = 0; w < writers.length; w++)
        {
            for (int t = 0; t < options.threads; t++)
            {
                final Optional<ListInfo> list = reader.list(TortureWriter.ownList(w, t));
                if (list.isPresent())
                {
                    verifyOwnList(reader, list.get(), w, t, stoppedPids);
                }
            }
        }
        reader.list(TortureWriter.SHARED_LIST).ifPresent(list -> verifyShared(reader, list));
        verifyRegistry(reader);
    }

    private void verifyOwnList(
        final HistoryReader reader, final ListInfo list, final int w, final int t, final Set<Long> stoppedPids)
    {
        if (list.problem() != null)
        {
            violation(true, list.name() + " is corrupt: " + list.problem());
            return;
        }
        final List<Incarnation> incarnations = reader.incarnations(list);
        // The latest object of each (writer, restart, thread): the only one whose last event may be in flight.
        final Map<Long, Long> latestCounter = new HashMap<>();
        for (final Incarnation inc : incarnations)
        {
            if (inc.headerValid())
            {
                latestCounter.merge(inc.address() >>> 32, inc.address() & 0xFFFF_FFFFL, Math::max);
            }
        }
        final Map<Long, long[]> baseOfObject = new HashMap<>();
        for (final Incarnation inc : incarnations)
        {
            final String what = list.name() + " push " + inc.pushNumber();
            if (!inc.headerValid())
            {
                // Killed or stopped inside push, before its header was published: it cannot have events yet.
                violation(inc.eventCount() != 0, what + " has no valid header but " + inc.eventCount() + " events");
                continue;
            }
            final long tag = inc.address() >>> 32;
            final long counter = inc.address() & 0xFFFF_FFFFL;
            final Long pid = pidOfTag.get(tag);
            if (TortureWriter.writerOf(tag) != w || TortureWriter.threadOf(tag) != t || pid == null ||
                inc.creatorPid() != pid)
            {
                violation(true, what + " address " + Long.toHexString(inc.address()) + " pushed by pid " +
                    inc.creatorPid() + " is not an object of writer " + w + " thread " + t);
                continue;
            }
            final int planned = TortureWriter.objectEvents(counter);
            final int count = inc.eventCount();
            final boolean current = latestCounter.get(tag) == counter;
            if (count > planned)
            {
                violation(true, what + " claims " + count + " positions, its thread logged " + planned);
            }
            long base = -1;
            int valid = 0;
            int expectedPosition = 0;
            for (final Event event : reader.events(inc))
            {
                if (event.position() != expectedPosition++)
                {
                    countLost(what + " position " + (expectedPosition - 1) + " missing (reader gave " +
                        event.position() + ")");
                    expectedPosition = event.position() + 1;
                }
                if (event.status() == EventStatus.VALID)
                {
                    final long[] args = event.args();
                    if (args.length != 3 || args[0] != tag || args[2] != inc.address() || event.pid() != pid ||
                        !TortureWriter.OWN_FORMAT.equals(event.format()))
                    {
                        countInvalid(what + " position " + event.position() + " is not its writer's event: pid " +
                            event.pid() + " " + event.format() + " " + java.util.Arrays.toString(args));
                        continue;
                    }
                    final long b = args[1] - event.position();
                    if (base < 0)
                    {
                        base = b;
                    }
                    else if (b != base)
                    {
                        countLost(what + " seq " + args[1] + " at position " + event.position() + ": gap or repeat " +
                            "(base " + base + ")");
                    }
                    valid++;
                }
                else if (event.status() == EventStatus.IN_FLIGHT && current && event.position() == count - 1)
                {
                    final boolean killed = killedPids.contains(pid);
                    if (!killed && !stoppedPids.contains(pid))
                    {
                        countLost(what + " last event in flight, but its writer " + pid + " runs");
                    }
                    if (inFlightSeen.add(list.index() + ":" + inc.pushNumber() + ":" + event.position()))
                    {
                        inFlight++;
                        if (event.pid() != pid)
                        {
                            // The pid field of an unfinished record is what it held before: 0 or another writer's.
                            inFlightPidStale++;
                            violation(event.pid() != 0 && !allPids.contains((long)event.pid()), what +
                                " in-flight record's pid " + event.pid() + " was never a writer of this file");
                        }
                    }
                }
                else
                {
                    countLost(what + " position " + event.position() + " of " + count + " is " + event.status() +
                        (current ? " (its thread's current object)" : " (a finished object)"));
                }
            }
            if (expectedPosition != count)
            {
                countLost(what + " shows " + expectedPosition + " of " + count + " claimed positions");
            }
            if (!current && count != planned)
            {
                countLost(what + " is finished (its thread moved on) with " + count + " of " + planned + " events");
            }
            if (counter == 0 && base > 0)
            {
                countLost(what + " is its thread's first object but starts at seq " + base);
            }
            if (base >= 0)
            {
                baseOfObject.put(inc.address(), new long[] {base, planned});
            }
            verified.merge(HandleDescriptor.handle(list.index(), inc.pushNumber()), valid, Math::max);
        }
        // Consecutive objects of one thread: the next starts its seq where the previous one's planned events end.
        for (final Map.Entry<Long, long[]> e : baseOfObject.entrySet())
        {
            final long[] previous = baseOfObject.get(e.getKey() - 1);
            if ((e.getKey() & 0xFFFF_FFFFL) != 0 && previous != null && previous[0] + previous[1] != e.getValue()[0])
            {
                countLost(list.name() + " object " + Long.toHexString(e.getKey()) +
                    " starts at seq " + e.getValue()[0] +
                    ", its predecessor ended at " + (previous[0] + previous[1]));
            }
        }
    }

    private void verifyShared(final HistoryReader reader, final ListInfo list)
    {
        if (list.problem() != null)
        {
            violation(true, "the shared list is corrupt: " + list.problem());
            return;
        }
        for (final Incarnation inc : reader.incarnations(list))
        {
            final String what = "shared push " + inc.pushNumber();
            int valid = 0;
            for (final Event event : reader.events(inc))
            {
                switch (event.status())
                {
                    case VALID:
                    {
                        final long[] args = event.args();
                        final Long pid = args.length == 3 ? pidOfTag.get(args[0]) : null;
                        if (args.length != 3 || !inc.headerValid() || args[2] != inc.address() || pid == null ||
                            pid != event.pid() || !TortureWriter.SHARED_FORMAT.equals(event.format()))
                        {
                            countInvalid(what + " (address " + Long.toHexString(inc.address()) + ", header " +
                                (inc.headerValid() ? "valid" : "invalid") + ") position " + event.position() +
                                " shows an event of another incarnation or writer: pid " + event.pid() + " " +
                                event.format() + " " + java.util.Arrays.toString(args));
                        }
                        else
                        {
                            valid++;
                            sharedValid++;
                        }
                        break;
                    }
                    case IN_FLIGHT:
                    case TORN:
                    case CHECKSUM_MISMATCH:
                        if (inFlightSeen.add("shared:" + inc.pushNumber() + ":" +
                        event.position() + ":" + event.status()))
                        {
                            clobbered++;
                        }
                        break;
                    default:
                        countInvalid(what + " position " + event.position() + " is " + event.status());
                }
            }
            verified.merge(HandleDescriptor.handle(list.index(), inc.pushNumber()), valid, Math::max);
        }
    }

    private void verifyRegistry(final HistoryReader reader)
    {
        final Map<Long, WriterInfo> registry = new HashMap<>();
        for (final WriterInfo info : reader.writers())
        {
            registry.put(info.pid(), info);
        }
        final boolean roomForAll = allPids.size() <= reader.layout().maxWriters;
        for (final long pid : killedPids)
        {
            final WriterInfo info = registry.get(pid);
            if (info == null)
            {
                // A writer killed before it registered is not there; neither, in a full registry, a
                // dead one taken over.
                continue;
            }
            violation(info.alive(), "killed writer " + pid + " is shown alive");
            violation(info.detached() && roomForAll, "killed writer " + pid + " is shown detached (closed cleanly)");
        }
    }

    private void countInvalid(final String message)
    {
        invalid++;
        report(message);
    }

    private void countLost(final String message)
    {
        lost++;
        report(message);
    }

    private void violation(final boolean happened, final String message)
    {
        if (happened)
        {
            invalid++;
            report(message);
        }
    }

    private void report(final String message)
    {
        if (violations.size() < MAX_REPORTED)
        {
            violations.add("round " + rounds + ": " + message);
        }
    }

    private Writer start(final int slot, final int restart)
    {
        final Writer writer = new Writer(slot, restart);
        for (int t = 0; t < options.threads; t++)
        {
            pidOfTag.put(TortureWriter.tag(slot, restart, t), writer.pid);
        }
        allPids.add(writer.pid);
        return writer;
    }

    private void killAll()
    {
        for (final Writer w : writers)
        {
            if (w != null && w.process.isAlive())
            {
                w.process.destroyForcibly();
            }
        }
    }

    /** Sends a signal to the writers and, for SIGSTOP, waits until all their threads are stopped. */
    private void signal(final String signal, final List<Writer> targets)
    {
        if (targets.isEmpty())
        {
            return;
        }
        final List<String> command = new ArrayList<>(List.of("kill", signal));
        for (final Writer w : targets)
        {
            command.add(Long.toString(w.pid));
        }
        try
        {
            final Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0)
            {
                throw new IllegalStateException(command + " failed: " +
                    new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            if ("-STOP".equals(signal))
            {
                for (final Writer w : targets)
                {
                    awaitStopped(w.pid);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run " + command, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** SIGSTOP is delivered asynchronously: wait until every thread of {@code pid} shows state T. */
    private static void awaitStopped(final long pid) throws IOException, InterruptedException
    {
        final Path tasks = Paths.get("/proc", Long.toString(pid), "task");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            boolean all = true;
            try (Stream<Path> list = Files.list(tasks))
            {
                for (final Path task : (Iterable<Path>)list::iterator)
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    final char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    all &= state == 'T' || state == 't' || state == 'Z' || state == 'X';
                }
            }
            catch (final IOException ex)
            {
                return; // the process is gone
            }
            if (all)
            {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("writer " + pid + " did not stop within 10 s of SIGSTOP");
    }

    private static void sleepMillis(final long millis)
    {
        if (millis <= 0)
        {
            return;
        }
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
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

    /** One writer process, started on construction; its stdout is read on a daemon thread for READY. */
    private final class Writer
    {
        final int slot;
        final int restart;
        final Process process;
        final long pid;
        final long startNanos = System.nanoTime();
        private volatile boolean ready;
        private final StringBuilder stderr = new StringBuilder();

        Writer(final int slot, final int restart)
        {
            this.slot = slot;
            this.restart = restart;
            final List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "--add-exports",
                "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true", "-cp",
                System.getProperty("java.class.path"),
                TortureWriter.class.getName(), file.toString(), Integer.toString(slot), Integer.toString(restart),
                Integer.toString(options.threads)));
            try
            {
                process = new ProcessBuilder(command).start();
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot start " + command, ex);
            }
            pid = process.pid();
            pump(process.getInputStream(), line ->
            {
                if (line.equals("READY"))
                {
                    ready = true;
                }
            });
            pump(process.getErrorStream(), line ->
            {
                synchronized (stderr)
                {
                    if (stderr.length() < 16_384)
                    {
                        stderr.append(line).append('\n');
                    }
                }
            });
        }

        long ageMillis()
        {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        void awaitReady()
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ready)
            {
                if (!process.isAlive() || System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("writer " + slot + "." + restart + " (pid " + pid + ") " +
                        (process.isAlive() ? "printed no READY within 60 s" : "died with " + process.exitValue()) +
                        "; stderr:\n" + stderr);
                }
                sleepMillis(1);
            }
        }

        void kill()
        {
            final boolean wasAlive = process.isAlive();
            process.destroyForcibly();
            try
            {
                if (!process.waitFor(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("writer " + pid + " survived SIGKILL for 60 s");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ex);
            }
            if (!wasAlive || process.exitValue() != SIGKILL_EXIT)
            {
                throw new IllegalStateException("writer " + slot + "." + restart + " (pid " +
                    pid + ") died on its own " +
                    "with exit value " + process.exitValue() + "; stderr:\n" + stderr);
            }
        }

        private void pump(final java.io.InputStream in, final java.util.function.Consumer<String> sink)
        {
            final Thread thread = new Thread(() ->
            {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = reader.readLine()) != null)
                    {
                        sink.accept(line);
                    }
                }
                catch (final IOException ignore)
                {
                    // The pipe breaks when the writer is killed.
                }
            }, "torture-pump-" + pid);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static String javaBinary()
    {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
