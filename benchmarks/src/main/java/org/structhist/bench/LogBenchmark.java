package org.structhist.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.structhist.ClockMode;
import org.structhist.Effect;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;
import org.structhist.Verb;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cost of one {@code sh.log(verb, "fmt %d %d", a, b)}: two long arguments, as OpenSIPS logs a
 * refcount change.
 * <ul>
 *   <li>{@code logExactChecksum}, {@code logCoarseChecksum}, {@code logExactNoChecksum}: struct history
 *       on ({@code -Dstructhist=true}), one list per variant, each benchmark thread logging to its own
 *       object;</li>
 *   <li>{@code logExactCount}: the defaults with the object's count ({@code log(verb, count, fmt, a, b)});
 *       {@code logHandleExact}, {@code logHandleExactCount}: the same through {@code list.log(handle, ...)};</li>
 *   <li>{@code logOff}: the same call in a fork without {@code -Dstructhist=true}, where
 *       {@link StructHistory#ENABLED} is false and {@code log} should vanish (DESIGN.md invariant 6);</li>
 *   <li>{@code floorNothing}: an empty benchmark method, JMH's own loop overhead; {@code floorEmptyCall}: a
 *       call that is never inlined and does nothing, with the same receiver and arguments;
 *       {@code floorNanoTime}: {@code System.nanoTime()} alone, which the exact clock pays;</li>
 *   <li>{@code twoThreadsOwnObject}, {@code twoThreadsSameObject}: exact clock with checksum, two threads
 *       logging to an object each, or both to one object (they race on its state word).</li>
 * </ul>
 * Each iteration logs to freshly pushed objects: an object's event count saturates at 2^31 - 1 (further
 * events are refused, a cheaper path), which one thread would reach in under a minute: keep iterations
 * (-r) well below 30 s. Objects keep 64 events (8 pinned first, a ring of 56), so the ring wraps all the
 * time: the steady state of a long-lived object. The trial's tear-down reads the file back and fails the
 * run if an event was refused or dropped as stale, or if the newest object's events are not what was
 * logged (see {@link #verify}).
 * <p>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} should be about 0 B/op for every variant (the last
 * measured iteration also carries the tear-down's check, about 0.002 B/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true"})
public class LogBenchmark
{
    static final String FORMAT = "fmt %d %d";
    /** The arguments logged; read from non-final fields of the thread's state so they are not constants. */
    static final long ARG0 = 0x1234;
    static final long ARG1 = 2;
    /** The count logged by the count variants: the object's reference count after the operation. */
    static final int COUNT = 3;

    /** Objects a list keeps: far above the objects pushed in a trial, so no handle in use goes stale. */
    static final int WINDOW = 1024;
    static final int EVENTS_PER_OBJECT = 64;

    private static final String FILE_NAME = "bench.hist";
    private static final String EXACT_LIST = "bench exact";
    private static final String COARSE_LIST = "bench coarse";
    private static final String NO_CHECKSUM_LIST = "bench exact, no checksum";
    private static final String WARM_UP_LIST = "check warm-up";

    /** The verb logged: a refcount change, as in the OpenSIPS TCP history. */
    public enum BenchVerb implements Verb
    {
        TCP_REF(Effect.REF);

        private final Effect effect;

        BenchVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    /** The floor: a logger whose log does nothing and is never inlined, so the call itself is paid. */
    public static final class EmptyLogger
    {
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public void log(final Verb verb, final String format, final long arg0, final long arg1)
        {
        }
    }

    /** The history file and its lists, in a temporary directory made for the trial and deleted after it. */
    @State(Scope.Benchmark)
    public static class FileState
    {
        Path directory;
        HistoryFile file;
        HistoryList exact;
        HistoryList coarse;
        HistoryList noChecksum;
        /** The one object both threads of {@code twoThreadsSameObject} log to; pushed every iteration. */
        History shared;
        private long nextAddress = 0x7f00_0000_0000L;
        private String benchmark;

        @Setup(Level.Trial)
        public void openFile(final BenchmarkParams params) throws IOException
        {
            benchmark = params.getBenchmark();
            final boolean wantEnabled = !benchmark.endsWith(".logOff");
            if (StructHistory.ENABLED != wantEnabled && !benchmark.contains(".floor"))
            {
                throw new IllegalStateException(benchmark + " needs struct history " +
                    (wantEnabled ? "on (-Dstructhist=true)" : "off (no -Dstructhist=true)") + ", but it is " +
                    (StructHistory.ENABLED ? "on" : "off") + " in this fork: -jvmArgs replaces the @Fork flags, " +
                    "use -jvmArgsAppend instead");
            }
            final Path shm = Paths.get("/dev/shm");
            final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ?
                shm : Paths.get(System.getProperty("java.io.tmpdir"));
            directory = Files.createTempDirectory(parent, "structhist-bench-");
            try
            {
                file = HistoryFile.open(directory.resolve(FILE_NAME), FileOptions.defaults().sizeBytes(32L << 20));
                final ListOptions options = ListOptions.window(WINDOW).eventsPerObject(EVENTS_PER_OBJECT);
                exact = file.list(EXACT_LIST, options);
                noChecksum = file.list(NO_CHECKSUM_LIST, options.checksums(false));
                // A coarse list starts the ticker's 1 ms refresh, noise for the others: only when it is measured.
                coarse = benchmark.endsWith(".logCoarseChecksum") ?
                    file.list(COARSE_LIST, options.clock(ClockMode.COARSE)) : null;
                if (file.isEnabled() && !benchmark.contains(".floor"))
                {
                    // Runs the check once now on a list of its own, so that the classes it loads and the
                    // allocations of its first run do not land in the last measured iteration.
                    final History warmUp = file.list(WARM_UP_LIST, ListOptions.window(1).eventsPerObject(4))
                        .push(nextAddress());
                    warmUp.log(BenchVerb.TCP_REF, FORMAT, ARG0, ARG1);
                    warmUp.log(BenchVerb.TCP_REF, FORMAT, ARG0, ARG1);
                    verify(file.path(), WARM_UP_LIST, true, Event.NO_COUNT);
                }
            }
            catch (final RuntimeException ex)
            {
                // JMH skips the tear-down when the set-up fails: do not leave the directory behind.
                if (file != null)
                {
                    file.close();
                }
                deleteDirectory(directory);
                throw ex;
            }
        }

        static String measuredList(final String benchmark)
        {
            if (benchmark.endsWith(".logCoarseChecksum"))
            {
                return COARSE_LIST;
            }
            return benchmark.endsWith(".logExactNoChecksum") ? NO_CHECKSUM_LIST : EXACT_LIST;
        }

        @Setup(Level.Iteration)
        public synchronized void pushShared()
        {
            shared = exact.push(nextAddress());
        }

        synchronized long nextAddress()
        {
            nextAddress += 0x40;
            return nextAddress;
        }

        @TearDown(Level.Trial)
        public void closeFile() throws IOException
        {
            try
            {
                if (file.isEnabled() && !benchmark.contains(".floor"))
                {
                    verify(file.path(), measuredList(benchmark), !benchmark.endsWith(".twoThreadsSameObject"),
                        benchmark.endsWith("Count") ? COUNT : Event.NO_COUNT);
                }
            }
            finally
            {
                file.close();
                deleteDirectory(directory);
            }
        }
    }

    /** One benchmark thread: its own object in each list, pushed afresh every iteration, and its arguments. */
    @State(Scope.Thread)
    public static class ThreadState
    {
        History exact;
        History coarse;
        History noChecksum;
        /** The handle of {@code exact}, for the garbage-free {@code list.log(handle, ...)} form. */
        long exactHandle;
        HistoryList exactList;
        final EmptyLogger empty = new EmptyLogger();
        long a = ARG0;
        long b = ARG1;
        int count = COUNT;

        @Setup(Level.Iteration)
        public void push(final FileState files)
        {
            exact = files.exact.push(files.nextAddress());
            noChecksum = files.noChecksum.push(files.nextAddress());
            coarse = files.coarse == null ? History.NOOP : files.coarse.push(files.nextAddress());
            exactHandle = exact.handle();
            exactList = files.exact;
        }
    }

    @Benchmark
    public void logExactChecksum(final ThreadState thread)
    {
        thread.exact.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    @Benchmark
    public void logCoarseChecksum(final ThreadState thread)
    {
        thread.coarse.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    /** The defaults with the object's count after the operation (what the audit judges by). */
    @Benchmark
    public void logExactCount(final ThreadState thread)
    {
        thread.exact.log(BenchVerb.TCP_REF, thread.count, FORMAT, thread.a, thread.b);
    }

    /** The garbage-free form: the list and a long handle instead of a {@link History}. */
    @Benchmark
    public void logHandleExact(final ThreadState thread)
    {
        thread.exactList.log(thread.exactHandle, BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    /** The garbage-free form with a count. */
    @Benchmark
    public void logHandleExactCount(final ThreadState thread)
    {
        thread.exactList.log(thread.exactHandle, BenchVerb.TCP_REF, thread.count, FORMAT, thread.a, thread.b);
    }

    @Benchmark
    public void logExactNoChecksum(final ThreadState thread)
    {
        thread.noChecksum.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    /** Struct history switched off: {@code thread.exact} is {@link History#NOOP} and log is a no-op. */
    @Benchmark
    @Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
    public void logOff(final ThreadState thread)
    {
        thread.exact.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    @Benchmark
    public void floorNothing()
    {
    }

    @Benchmark
    public void floorEmptyCall(final ThreadState thread)
    {
        thread.empty.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    @Benchmark
    public long floorNanoTime()
    {
        return System.nanoTime();
    }

    @Benchmark
    @Threads(2)
    public void twoThreadsOwnObject(final ThreadState thread)
    {
        thread.exact.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    @Benchmark
    @Threads(2)
    public void twoThreadsSameObject(final FileState files, final ThreadState thread)
    {
        files.shared.log(BenchVerb.TCP_REF, FORMAT, thread.a, thread.b);
    }

    /**
     * Reads the file back and prints one line. Fails if an event was refused or dropped as stale, if
     * the measured list holds no event, or, when {@code strict}, if an event kept by the newest object
     * that has events is not valid (committed, checksum right) or not what was logged ({@code count}: the
     * count it must carry, {@link Event#NO_COUNT} for none). Not strict when
     * two threads log to one object: a writer preempted between claiming its position and committing,
     * while the other thread logs a whole ring (56 events) to the object, commits its older event over
     * the newer one in the same record, which the reader then reports as not valid: counted, not failed.
     * <p>
     * JMH runs the trial's tear-down inside the last measured iteration, so what this allocates shows in
     * that iteration's {@code gc.alloc.rate.norm}: it reads the events of one object only, and it is run
     * once in the set-up so that its cold start (class loading: about 250 KB) is not counted. What is
     * left (about 20 KB) is under 0.002 B/op of a one-second iteration.
     */
    static void verify(final Path path, final String measuredList, final boolean strict, final int count)
    {
        final List<String> problems = new ArrayList<>();
        final StringBuilder summary = new StringBuilder("structhist check:");
        try (HistoryReader reader = HistoryReader.open(path))
        {
            for (final ListInfo list : reader.lists())
            {
                if (list.staleEventsDropped() != 0 || list.eventsRefused() != 0)
                {
                    problems.add(list.name() + ": " + list.staleEventsDropped() + " events dropped as stale, " +
                        list.eventsRefused() + " refused");
                }
                if (!list.name().equals(measuredList))
                {
                    continue;
                }
                long logged = 0;
                Incarnation newest = null;
                for (final Incarnation incarnation : reader.incarnations(list))
                {
                    logged += incarnation.eventCount();
                    if (incarnation.eventCount() > 0 &&
                        (newest == null || incarnation.pushNumber() > newest.pushNumber()))
                    {
                        newest = incarnation;
                    }
                }
                long kept = 0;
                long notValid = 0;
                Event example = null;
                if (newest != null)
                {
                    for (final Event event : reader.events(newest))
                    {
                        kept++;
                        if (event.status() != EventStatus.VALID || !BenchVerb.TCP_REF.name().equals(event.verb()) ||
                            !FORMAT.equals(event.format()) || event.args().length != 2 || event.args()[0] != ARG0 ||
                            event.args()[1] != ARG1 || event.count() != count)
                        {
                            notValid++;
                            example = example == null ? event : example;
                        }
                    }
                }
                summary.append(" list '").append(list.name()).append("': objects pushed=")
                    .append(list.totalPushed()).append(", events logged=").append(logged)
                    .append(", newest object keeps ").append(kept).append(" events, not valid=").append(notValid);
                if (example != null)
                {
                    summary.append(" (first: position ").append(example.position()).append(" of ")
                        .append(newest.eventCount()).append(", ").append(example.status()).append(", thread ")
                        .append(example.threadId()).append(')');
                }
                summary.append(", stale=").append(list.staleEventsDropped()).append(", refused=")
                    .append(list.eventsRefused());
                if (logged == 0)
                {
                    problems.add(list.name() + ": nothing was logged");
                }
                if (strict && notValid != 0)
                {
                    problems.add(list.name() + ": " + notValid + " kept events not valid, e.g. " + example);
                }
            }
        }
        System.out.println(summary);
        if (!problems.isEmpty())
        {
            throw new IllegalStateException("the history file does not hold what was logged: " + problems);
        }
    }

    /**
     * Deletes the trial's directory: the history file, then the directory (walking it only if something
     * else was left there, as a walk's first run allocates some 80 KB inside the last measured iteration).
     */
    static void deleteDirectory(final Path root) throws IOException
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        Files.deleteIfExists(root.resolve(FILE_NAME));
        try
        {
            Files.delete(root);
        }
        catch (final DirectoryNotEmptyException ex)
        {
            try (Stream<Path> paths = Files.walk(root))
            {
                paths.sorted(Comparator.reverseOrder()).forEach(p ->
                {
                    try
                    {
                        Files.delete(p);
                    }
                    catch (final IOException e)
                    {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
