package org.structhist.shdump.demo;

import org.structhist.ClockMode;
import org.structhist.HistoryFile;
import org.structhist.StructHistory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the process variant of the demo server: tcp-main ({@link TcpMainProcess}) and
 * {@value TcpServer#WORKERS} workers ({@link TcpWorkerProcess}), each a JVM of its own started with this
 * JVM's java and class path (see {@link ServerProcess}), and a {@link DemoClient} in this JVM that
 * connects to tcp-main. The ring file is made here, before any of them starts; tcp-main and the workers
 * create or attach the heap and the history file themselves, so this process writes neither.
 */
public final class ProcessDemo
{
    public static final String HISTORY_FILE = SharedConnections.HISTORY_FILE;
    public static final String HEAP_FILE = SharedConnections.HEAP_FILE;
    public static final String RINGS_FILE = SharedConnections.RINGS_FILE;
    /** The demo's connections; the benchmark takes its own count. */
    public static final int CONNECTIONS = TcpServer.CONNECTIONS;

    private static final Pattern PORT = Pattern.compile(Pattern.quote(TcpMainProcess.LISTENING) + "(\\d+)");
    private static final Pattern CRASH_ADDRESS =
        Pattern.compile(Pattern.quote(TcpServer.CRASH_MARK) + "(0x[0-9a-f]+)\\)");
    private static final Pattern RATE = Pattern.compile(Pattern.quote(TcpMainProcess.SERVED) +
        "(\\d+) connections in (\\d+) ms[^:]*: (\\d+) connections/s");
    /** After tcp-main ends, how long its workers get to notice and exit before they are killed. */
    private static final Duration WORKER_GRACE = Duration.ofSeconds(10);

    private ProcessDemo()
    {
    }

    /**
     * How a run is set up. {@code connections} are measured after {@code warmup} served first (0 for the
     * demo); {@code history} false runs every process with struct history off.
     */
    public record Setup(Path dir, long seed, int connections, int warmup, boolean history, ClockMode clock,
        boolean buggy)
    {
    }

    /**
     * What the processes left behind.
     *
     * @param mainExitCode  tcp-main's exit status; -1 when it had to be killed after the timeout.
     * @param mainPid       tcp-main's pid.
     * @param workerPids    the workers' pids, tcpworker-1 first.
     * @param output        tcp-main's lines, then each worker's.
     * @param crashAddress  the address tcp-main's crash report names, or null if it did not crash.
     * @param perSecond     connections served per second, as tcp-main measured them; -1 after a crash.
     * @param clientServed  connections the client saw served and closed.
     */
    public record Result(int mainExitCode, long mainPid, List<Long> workerPids, List<String> output,
        String crashAddress, long perSecond, int clientServed)
    {
        public boolean crashed()
        {
            return mainExitCode == TcpServer.CRASH_EXIT && crashAddress != null;
        }
    }

    /** Runs the server on fresh files in {@code setup.dir()}; kills what runs longer than {@code timeout}. */
    public static Result run(final Setup setup, final Duration timeout) throws IOException
    {
        final Path dir = setup.dir();
        HandOffRings.create(dir.resolve(RINGS_FILE));
        final String clock = setup.clock().name().toLowerCase(Locale.ROOT);
        // The demo runs for a moment: JVMs that start fast. A benchmark runs long enough for the full JIT.
        final boolean quickStart = setup.buggy();
        final Child main = Child.start(setup.history(), quickStart, TcpMainProcess.class, dir.toString(),
            Long.toString(setup.seed()), Integer.toString(setup.connections()), Integer.toString(setup.warmup()),
            clock,
            setup.buggy() ? "buggy" : "correct");
        final List<Child> workers = new ArrayList<>();
        try
        {
            for (int w = 1; w <= TcpServer.WORKERS; w++)
            {
                workers.add(Child.start(setup.history(), quickStart, TcpWorkerProcess.class, dir.toString(),
                    Integer.toString(w), Long.toString(main.process.pid()), clock));
            }
            final long deadline = System.nanoTime() + timeout.toNanos();
            final int port = main.awaitPort(deadline);
            DemoClient client = null;
            Thread clientThread = null;
            if (port > 0)
            {
                client = new DemoClient(port, setup.warmup() + setup.connections());
                clientThread = new Thread(client, "shdump-demo-client");
                clientThread.setDaemon(true);
                clientThread.start();
            }
            final int mainExit = main.await(deadline);
            for (final Child worker : workers)
            {
                worker.await(System.nanoTime() + WORKER_GRACE.toNanos());
            }
            if (clientThread != null)
            {
                clientThread.join(TimeUnit.SECONDS.toMillis(5));
            }
            final List<String> output = new ArrayList<>(main.lines());
            workers.forEach(w -> output.addAll(w.lines()));
            String crashAddress = null;
            long perSecond = -1;
            for (final String line : main.lines())
            {
                final Matcher crash = CRASH_ADDRESS.matcher(line);
                if (crash.find())
                {
                    crashAddress = crash.group(1);
                }
                final Matcher rate = RATE.matcher(line);
                if (rate.find())
                {
                    perSecond = Long.parseLong(rate.group(3));
                }
            }
            return new Result(mainExit, main.process.pid(), workers.stream().map(w -> w.process.pid()).toList(),
                List.copyOf(output), crashAddress, perSecond, client == null ? 0 : client.completed());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the demo server ran", ex);
        }
        finally
        {
            main.process.destroyForcibly();
            workers.forEach(w -> w.process.destroyForcibly());
        }
    }

    /** One child JVM and the lines it printed (stdout and stderr merged). */
    private static final class Child
    {
        final Process process;
        private final List<String> output = Collections.synchronizedList(new ArrayList<>());
        private final CompletableFuture<Integer> port = new CompletableFuture<>();
        private final Thread pump;

        private Child(final Process process)
        {
            this.process = process;
            this.pump = new Thread(this::pump, "shdump-demo-output-" + process.pid());
            pump.setDaemon(true);
            pump.start();
        }

        static Child start(final boolean history, final boolean quickStart, final Class<?> mainClass,
            final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(ServerProcess.javaBinary());
            // Small and quick to start: four of these boot at once on two cores.
            command.add("-Xmx64m");
            command.add("-XX:+UseSerialGC");
            if (quickStart)
            {
                command.add("-XX:TieredStopAtLevel=1");
            }
            command.add("-XX:-UsePerfData");
            command.addAll(ServerProcess.AGRONA_FLAGS);
            command.add("-D" + StructHistory.ENABLED_PROPERTY + "=" + history);
            command.add("-cp");
            command.add(ServerProcess.classPath());
            command.add(mainClass.getName());
            command.addAll(List.of(args));
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // The processes name their files; a STRUCTHIST_FILE of the user's must not matter.
            builder.environment().remove(HistoryFile.FILE_ENV);
            final Process process = builder.start();
            process.getOutputStream().close();
            return new Child(process);
        }

        private void pump()
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    output.add(line);
                    final Matcher m = PORT.matcher(line);
                    if (m.find())
                    {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            }
            catch (final IOException ignore)
            {
                // The pipe breaks when the child is killed: what was read so far is all there is.
            }
            port.complete(-1);
        }

        /** The port tcp-main listens on; -1 if it ended, or the deadline passed, without saying it. */
        int awaitPort(final long deadline) throws InterruptedException
        {
            try
            {
                return port.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                return -1;
            }
        }

        /** Its exit status, or -1 after killing it at the deadline; then its output is complete. */
        int await(final long deadline) throws InterruptedException
        {
            final int exit;
            if (process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                exit = process.exitValue();
            }
            else
            {
                process.destroyForcibly().waitFor();
                output.add("(pid " + process.pid() + " killed by shdump demo: it ran too long)");
                exit = -1;
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
            return exit;
        }

        List<String> lines()
        {
            synchronized (output)
            {
                return List.copyOf(output);
            }
        }
    }
}
