package org.structhist.shdump.demo;

import org.structhist.ClockMode;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code shdump demo --bench}: the process server ({@link ProcessDemo}) at full speed with no bug, history
 * off, on with the exact clock and on with the coarse clock, and the connections per second of each.
 * <p>
 * What makes the comparison fair on a small shared machine: every run starts fresh JVMs on fresh files and
 * serves {@code warmup} connections before its measured window opens (tcp-main counts only the window), so
 * that the JIT has compiled the hot paths of all four processes before anything is timed: without it the
 * figure is mostly the warm-up of short-lived JVMs, and history on has more code to warm up. The three
 * configurations run in turn, {@link #ROUNDS} rounds of them, so a burst of load hits each alike; the
 * summary gives medians, the spread of the runs, and each configuration's ratio to "off" in the same round.
 */
public final class ServerBench
{
    /** How many times each configuration runs. */
    public static final int ROUNDS = 5;
    /**
     * Connections a run serves before its measured window, by default: enough for the JIT to compile the
     * server's and the history's paths in all four processes (several thousand calls each, on a loaded
     * machine with its compiler threads waiting for a core). See benchmarks/RESULTS.md.
     */
    public static final int DEFAULT_WARMUP = 10_000;
    /** A run's time limit before its share per connection: JVM start-up on a loaded machine. */
    private static final Duration BASE_TIMEOUT = Duration.ofSeconds(60);
    /** Far below the slowest rate seen on a loaded 2-core machine (about 300 connections/s). */
    private static final int SLOWEST_RATE = 100;
    private static final int NAME_WIDTH = 26;

    /** One of the three ways the server runs. */
    private enum Configuration
    {
        OFF("history off", false, ClockMode.EXACT),
        EXACT("history on, exact clock", true, ClockMode.EXACT),
        COARSE("history on, coarse clock", true, ClockMode.COARSE);

        private final String title;
        private final boolean history;
        private final ClockMode clock;

        Configuration(final String title, final boolean history, final ClockMode clock)
        {
            this.title = title;
            this.history = history;
            this.clock = clock;
        }
    }

    private final PrintWriter out;
    private final long seed;
    private final int connections;
    private final int warmup;
    private final long[][] rates = new long[Configuration.values().length][ROUNDS];

    /** A benchmark that prints to {@code out}: {@code connections} measured after {@code warmup} per run. */
    public ServerBench(final PrintWriter out, final long seed, final int connections, final int warmup)
    {
        this.out = out;
        this.seed = seed;
        this.connections = connections;
        this.warmup = warmup;
    }

    /**
     * Runs every round and prints each run's rate as it ends, then the summary. Returns null, or the title
     * of the configuration whose server did not serve its connections (its output printed, nothing after).
     */
    public String run() throws IOException
    {
        out.println("shdump demo --bench: tcp-main and " + TcpServer.WORKERS + " worker processes, no bug; each " +
            "run serves " + warmup + " connections to warm up (not counted), then measures " + connections + "; " +
            ROUNDS + " rounds of the 3 configurations, interleaved; " + Runtime.getRuntime().availableProcessors() +
            " CPUs, load average " + loadAverage());
        out.flush();
        final Duration timeout = BASE_TIMEOUT.plusSeconds(((long)warmup + connections) / SLOWEST_RATE);
        for (int round = 0; round < ROUNDS; round++)
        {
            for (final Configuration configuration : Configuration.values())
            {
                final long rate = runOnce(configuration, timeout);
                if (rate < 0)
                {
                    return configuration.title;
                }
                rates[configuration.ordinal()][round] = rate;
                out.println("  round " + (round + 1) + "  " + pad(configuration.title) + rate + " connections/s");
                out.flush();
            }
        }
        printSummary();
        return null;
    }

    /** One run in fresh JVMs on fresh files, removed afterwards; its rate, or -1 (its output printed). */
    private long runOnce(final Configuration configuration, final Duration timeout) throws IOException
    {
        final Path dir = Files.createTempDirectory("shdump-bench-");
        try
        {
            final ProcessDemo.Result result = ProcessDemo.run(new ProcessDemo.Setup(dir, seed, connections, warmup,
                configuration.history, configuration.clock, false), timeout);
            if (result.perSecond() < 0)
            {
                result.output().forEach(line -> out.println("   | " + line));
                out.flush();
            }
            return result.perSecond();
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

    private void printSummary()
    {
        final long[] off = rates[Configuration.OFF.ordinal()];
        final long offMedian = median(off);
        out.println("median of " + ROUNDS + " (the runs' spread; for history on, median x off, and the range of " +
            "each round's ratio to off); load average " + loadAverage() + " at the end:");
        for (final Configuration configuration : Configuration.values())
        {
            final long[] runs = rates[configuration.ordinal()];
            final long[] sorted = sorted(runs);
            final StringBuilder line = new StringBuilder("  ").append(pad(configuration.title))
                .append(median(runs)).append(" connections/s  (runs ").append(sorted[0]).append(" to ")
                .append(sorted[sorted.length - 1]);
            if (configuration != Configuration.OFF)
            {
                final double[] ratios = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++)
                {
                    ratios[round] = (double)runs[round] / off[round];
                }
                Arrays.sort(ratios);
                line.append(String.format(Locale.ROOT, "; %.3f x off, per round %.2f to %.2f",
                    (double)median(runs) / offMedian, ratios[0], ratios[ROUNDS - 1]));
            }
            out.println(line.append(')'));
        }
        out.flush();
    }

    private static String loadAverage()
    {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long median(final long[] values)
    {
        return sorted(values)[values.length / 2];
    }

    private static long[] sorted(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    private static String pad(final String text)
    {
        return text.length() >= NAME_WIDTH ? text + " " : text + " ".repeat(NAME_WIDTH - text.length());
    }
}
