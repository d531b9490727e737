package org.structhist.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Run by hand (never by the build): the throughput of {@link DoubleReleaseServer} (bug off: an echo
 * server, 2 event-loop threads, pooled direct buffers, 2 KiB reads) under 16 connections that each send a
 * 256-byte message and wait for its echo, on 127.0.0.1, in one run, for five set-ups: no leak detection,
 * Netty's SIMPLE (its default), PARANOID, and the agent (with SIMPLE, so the pipeline's touches name the
 * handlers) with the exact and the coarse clock. Each set-up is a fresh server JVM, run {@code rounds}
 * times interleaved; each run is {@code warmup} seconds, then {@code seconds} measured: requests/s, and
 * bytes allocated by the server per request (its threads' allocation counters).
 * <pre>
 * java -Dstructhist.agent.jar.packaged=true -Dstructhist.agent.jar=agent/target/structhist-agent.jar \
 *      -cp TEST_CLASS_PATH org.structhist.agent.it.EchoThroughput [seconds=10] [warmup=5] [rounds=2]
 * </pre>
 */
public final class EchoThroughput
{
    private static final int CONNECTIONS = 16;

    private EchoThroughput()
    {
    }

    private static final class Setup
    {
        final String name;
        final List<String> jvmOptions;
        final String agentArgs;
        double requestsPerSecond;
        double bytesPerRequest;
        int runs;

        Setup(final String name, final String agentArgs, final String... jvmOptions)
        {
            this.name = name;
            this.agentArgs = agentArgs;
            this.jvmOptions = List.of(jvmOptions);
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        final Path dir = Files.createTempDirectory("echo-throughput");
        final List<Setup> setups = List.of(
            new Setup("no leak detection", null, "-Dio.netty.leakDetection.level=disabled"),
            new Setup("Netty SIMPLE (default)", null),
            new Setup("Netty PARANOID", null, "-Dio.netty.leakDetection.level=paranoid"),
            new Setup("agent, exact clock", "file=" + dir.resolve("exact.hist")),
            new Setup("agent, coarse clock", "file=" + dir.resolve("coarse.hist") + ",clock=coarse"));
        for (int round = 0; round < rounds; round++)
        {
            for (final Setup setup : setups)
            {
                final double[] run = measure(setup, seconds, warmup);
                System.out.printf(Locale.ROOT, "round %d  %-24s %,10.0f requests/s  %8.1f B/request%n",
                    round + 1, setup.name, run[0], run[1]);
            }
        }
        final double baseline = setups.get(0).requestsPerSecond / setups.get(0).runs;
        final double paranoidOverhead = 1 - setups.get(2).requestsPerSecond / setups.get(2).runs / baseline;
        System.out.printf(Locale.ROOT, "%nMeans of %d rounds:%n", rounds);
        System.out.printf("| set-up | requests/s | x no detection | overhead / PARANOID's | B/request |%n");
        System.out.printf("|---|---:|---:|---:|---:|%n");
        for (final Setup setup : setups)
        {
            final double rps = setup.requestsPerSecond / setup.runs;
            final double overhead = 1 - rps / baseline;
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %.3f | %s | %.1f |%n", setup.name, rps, rps / baseline,
                setup == setups.get(0) ? "" : String.format(Locale.ROOT, "%.2f", overhead / paranoidOverhead),
                setup.bytesPerRequest / setup.runs);
        }
    }

    /** One run of {@code setup}: its requests/s and bytes per request (also added to the set-up's sums). */
    private static double[] measure(final Setup setup, final int seconds, final int warmup) throws Exception
    {
        try (ChildJvm server = setup.agentArgs == null ?
            ChildJvm.startWithoutAgent(ChildJvm.NETTY_42, setup.jvmOptions, DoubleReleaseServer.class.getName(), "0") :
            ChildJvm.start(ChildJvm.NETTY_42, setup.agentArgs, setup.jvmOptions,
                DoubleReleaseServer.class.getName(), "0"))
        {
            final int port = Integer.parseInt(server.awaitLine("PORT ", 60).substring(5));
            final LongAdder echoes = new LongAdder();
            final List<Thread> clients = new ArrayList<>();
            final AtomicBoolean stop = new AtomicBoolean();
            for (int c = 0; c < CONNECTIONS; c++)
            {
                final Thread t = new Thread(() -> pingPong(port, echoes, stop), "client " + c);
                t.setDaemon(true);
                clients.add(t);
                t.start();
            }
            Thread.sleep(warmup * 1000L);
            server.send("ALLOCATED");
            final long allocatedBefore = Long.parseLong(server.awaitLine("ALLOCATED ", 10).substring(10));
            final long before = echoes.sum();
            final long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            final long requests = echoes.sum() - before;
            final double elapsed = (System.nanoTime() - start) / 1e9;
            server.send("ALLOCATED");
            final long allocated = Long.parseLong(server.awaitLine("ALLOCATED ", 10).substring(10)) - allocatedBefore;
            stop.set(true);
            server.stop(60);
            final double[] run = {requests / elapsed, (double)allocated / requests};
            setup.requestsPerSecond += run[0];
            setup.bytesPerRequest += run[1];
            setup.runs++;
            return run;
        }
    }

    private static void pingPong(final int port, final LongAdder echoes, final AtomicBoolean stop)
    {
        final byte[] message = new byte[EchoLoad.MESSAGE_BYTES];
        final byte[] echo = new byte[EchoLoad.MESSAGE_BYTES];
        try (Socket socket = new Socket())
        {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            while (!stop.get())
            {
                out.write(message);
                int read = 0;
                while (read < message.length)
                {
                    final int n = in.read(echo, read, message.length - read);
                    if (n < 0)
                    {
                        return;
                    }
                    read += n;
                }
                echoes.increment();
            }
        }
        catch (final IOException ex)
        {
            // The server stopped: the run is over.
        }
    }
}
