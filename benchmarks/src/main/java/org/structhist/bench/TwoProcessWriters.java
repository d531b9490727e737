package org.structhist.bench;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Events per second of one writer process against two writer processes on one history file (run by
 * {@code two-processes.sh}). Each round, for 1 and then 2 processes: a fresh file, writer JVMs started
 * together, each warming up on a list of its own until an agreed instant, then logging
 * {@code log(TCP_REF, "fmt %d %d", i, 2)} as fast as it can for a fixed time, each to an object of its
 * own (or, with {@code --same-object}, all to one object this coordinator pushed), and printing how many
 * events it logged in how long. The coordinator then reads the file with {@link HistoryReader} and fails
 * unless the events counted in it, per process, are the events each process reported.
 * <p>
 * Usage: {@code TwoProcessWriters [--seconds 5] [--rounds 3] [--same-object] [--dir DIR]} (the
 * coordinator), {@code TwoProcessWriters writer FILE START_EPOCH_MS SECONDS HANDLE} (one writer, started
 * by the coordinator). Both need {@code -Dstructhist=true} and Agrona's add-exports flag.
 */
public final class TwoProcessWriters
{
    static final String MEASURED_LIST = "writers";
    static final String WARM_UP_LIST = "warm-up";
    /** More objects than a run pushes (one per process, or one in all): none leaves the window. */
    static final ListOptions OPTIONS = ListOptions.window(1024).eventsPerObject(LogBenchmark.EVENTS_PER_OBJECT);
    /** Events between two looks at the clock. */
    static final int BATCH = 1024;
    /** Time for the writer JVMs to start and warm up before the measured window opens. */
    static final long START_DELAY_MILLIS = 3_000;
    /** An object's event count saturates at 2^31 - 1: the run must stay far below it. */
    static final long MAX_EVENTS_PER_OBJECT = Integer.MAX_VALUE;

    private TwoProcessWriters()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (!StructHistory.ENABLED)
        {
            System.err.println("TwoProcessWriters needs -Dstructhist=true (and --add-exports " +
                "java.base/jdk.internal.misc=ALL-UNNAMED)");
            System.exit(2);
        }
        if (args.length > 0 && args[0].equals("writer"))
        {
            writer(Paths.get(args[1]), Long.parseLong(args[2]), Double.parseDouble(args[3]), Long.parseLong(args[4]));
            return;
        }
        double seconds = 5;
        int rounds = 3;
        boolean sameObject = false;
        Path dir = Files.isWritable(Paths.get("/dev/shm")) ? Paths.get("/dev/shm") :
            Paths.get(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--same-object" -> sameObject = true;
                case "--dir" -> dir = Paths.get(args[++i]);
                default ->
                {
                    System.err.println("usage: TwoProcessWriters [--seconds 5] [--rounds 3] " +
                        "[--same-object] [--dir DIR]");
                    System.exit(2);
                }
            }
        }
        coordinate(seconds, rounds, sameObject, dir);
    }

    // ---------------------------------------------------------------------------------------------
    // The writer process
    // ---------------------------------------------------------------------------------------------

    /**
     * Logs to a warm-up object until {@code startMillis} (so the loop is compiled before it counts), then
     * to its measured object for {@code seconds}; prints "pid=P events=N nanos=T late=L".
     */
    static void writer(final Path path, final long startMillis, final double seconds, final long sharedHandle)
    {
        try (HistoryFile file = HistoryFile.open(path))
        {
            final HistoryList warmUpList = file.list(WARM_UP_LIST, OPTIONS);
            final long warmUp = warmUpList.pushHandle(ProcessHandle.current().pid() << 8);
            while (System.currentTimeMillis() < startMillis)
            {
                logBatch(warmUpList, warmUp);
            }
            final long late = System.currentTimeMillis() - startMillis;
            final HistoryList list = file.list(MEASURED_LIST, OPTIONS);
            final long handle = sharedHandle != 0 ? sharedHandle : list.pushHandle(ProcessHandle.current().pid() << 8);
            final long start = System.nanoTime();
            final long deadline = start + (long)(seconds * 1e9);
            long events = 0;
            long now;
            do
            {
                logBatch(list, handle);
                events += BATCH;
                now = System.nanoTime();
            }
            while (now < deadline);
            System.out.println("pid=" + ProcessHandle.current().pid() + " events=" + events +
                " nanos=" + (now - start) +
                " late=" + late);
        }
    }

    /** The measured work, also run for the warm-up so that the same compiled code is measured. */
    static void logBatch(final HistoryList list, final long handle)
    {
        for (int i = 0; i < BATCH; i++)
        {
            list.log(handle, LogBenchmark.BenchVerb.TCP_REF, LogBenchmark.FORMAT, i, LogBenchmark.ARG1);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The coordinator
    // ---------------------------------------------------------------------------------------------

    /** One writer's report. */
    record Report(long pid, long events, long nanos, long lateMillis)
    {
        double eventsPerSecond()
        {
            return events * 1e9 / nanos;
        }
    }

    static void coordinate(final double seconds, final int rounds, final boolean sameObject, final Path dir)
        throws IOException, InterruptedException
    {
        final Path work = Files.createTempDirectory(dir, "structhist-two-processes-");
        System.out.printf(Locale.ROOT, "%d rounds of %.1f s, %s, history files in %s, %d cores%n", rounds, seconds,
            sameObject ? "all processes logging to one object" : "each process logging to an object of its own", work,
            Runtime.getRuntime().availableProcessors());
        final double[] ratios = new double[rounds];
        final double[][] rates = new double[rounds][3];
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                for (int processes = 1; processes <= 2; processes++)
                {
                    final Path path = work.resolve("round" + (round + 1) + "-" + processes + "p.hist");
                    final List<Report> reports = run(path, processes, seconds, sameObject);
                    final double total = reports.stream().mapToDouble(Report::eventsPerSecond).sum();
                    rates[round][processes] = total;
                    final StringBuilder line = new StringBuilder();
                    for (final Report report : reports)
                    {
                        line.append(String.format(Locale.ROOT, "  pid %d: %,d events in %.3f s = %.2f M/s%s",
                            report.pid(), report.events(), report.nanos() / 1e9, report.eventsPerSecond() / 1e6,
                            report.lateMillis() > 0 ? " (started " + report.lateMillis() + " ms late)" : ""));
                    }
                    System.out.printf(Locale.ROOT, "round %d, %d process%s: %.2f M events/s, verified in the file;%s%n",
                        round + 1, processes, processes == 1 ? "" : "es", total / 1e6, line);
                    Files.delete(path);
                }
                ratios[round] = rates[round][2] / rates[round][1];
                System.out.printf(Locale.ROOT, "round %d: 2 processes / 1 process = %.2f%n", round + 1, ratios[round]);
            }
        }
        finally
        {
            try (var files = Files.list(work))
            {
                for (final Path file : (Iterable<Path>)files::iterator)
                {
                    Files.delete(file);
                }
            }
            Files.delete(work);
        }
        final double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        final double[] one = new double[rounds];
        final double[] two = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            one[round] = rates[round][1];
            two[round] = rates[round][2];
        }
        Arrays.sort(one);
        Arrays.sort(two);
        System.out.printf(Locale.ROOT, "median: 1 process %.2f M events/s, 2 processes %.2f M events/s, " +
            "ratio %.2f (per round: %s)%n", one[rounds / 2] / 1e6, two[rounds / 2] / 1e6, sorted[rounds / 2],
            Arrays.toString(Arrays.stream(ratios).map(r -> Math.round(r * 100) / 100.0).toArray()));
    }

    /** One measurement: a fresh file, {@code processes} writers at once, their reports checked against the file. */
    static List<Report> run(final Path path, final int processes, final double seconds, final boolean sameObject)
        throws IOException, InterruptedException
    {
        long sharedHandle = 0;
        // Creates the file and its lists here, so the writers only attach, and pushes the shared object.
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(16L << 20)))
        {
            file.list(WARM_UP_LIST, OPTIONS);
            final HistoryList list = file.list(MEASURED_LIST, OPTIONS);
            if (sameObject)
            {
                sharedHandle = list.pushHandle(0x7f00_0000_0040L);
            }
        }
        final long startMillis = System.currentTimeMillis() + START_DELAY_MILLIS;
        final List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++)
        {
            final List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true",
                "-cp", System.getProperty("java.class.path"),
                TwoProcessWriters.class.getName(), "writer", path.toString(), Long.toString(startMillis),
                Double.toString(seconds), Long.toString(sharedHandle)));
            children.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        final List<Report> reports = new ArrayList<>();
        for (final Process child : children)
        {
            final String output;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                output = reader.readLine();
            }
            if (child.waitFor() != 0 || output == null)
            {
                throw new IllegalStateException("a writer failed (exit " + child.exitValue() + "): " + output);
            }
            final Map<String, Long> fields = new HashMap<>();
            for (final String field : output.trim().split(" "))
            {
                final String[] pair = field.split("=");
                fields.put(pair[0], Long.parseLong(pair[1]));
            }
            reports.add(new Report(fields.get("pid"), fields.get("events"), fields.get("nanos"), fields.get("late")));
        }
        verify(path, reports, sameObject);
        return reports;
    }

    /**
     * Fails unless the measured list holds exactly the events the writers reported: per creating process
     * when each had its own object, in all when they shared one; and none was refused or dropped as stale.
     */
    static void verify(final Path path, final List<Report> reports, final boolean sameObject)
    {
        try (HistoryReader reader = HistoryReader.open(path))
        {
            final ListInfo list = reader.list(MEASURED_LIST).orElseThrow();
            if (list.eventsRefused() != 0 || list.staleEventsDropped() != 0)
            {
                throw new IllegalStateException(path + ": " + list.eventsRefused() + " events refused, " +
                    list.staleEventsDropped() + " dropped as stale");
            }
            final Map<Long, Long> inFile = new HashMap<>();
            for (final Incarnation incarnation : reader.incarnations(list))
            {
                inFile.merge((long)incarnation.creatorPid(), (long)incarnation.eventCount(), Long::sum);
            }
            final long reportedTotal = reports.stream().mapToLong(Report::events).sum();
            final long fileTotal = inFile.values().stream().mapToLong(Long::longValue).sum();
            if (reportedTotal >= MAX_EVENTS_PER_OBJECT)
            {
                throw new IllegalStateException("too many events for one object (" + reportedTotal +
                    "): run fewer seconds");
            }
            boolean match = reportedTotal == fileTotal;
            if (!sameObject)
            {
                for (final Report report : reports)
                {
                    match &= inFile.getOrDefault(report.pid(), 0L) == report.events();
                }
            }
            if (!match)
            {
                throw new IllegalStateException(path + ": the writers reported " + reports + " but the file counts " +
                    inFile + " (by creating pid)");
            }
        }
    }
}
