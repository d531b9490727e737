package org.structhist.agent.it;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real child JVM started with the packaged agent jar, and only that: no {@code --add-exports}, no
 * struct-history or Agrona on its class path (the agent brings them), a Netty class path of 4.2 (this
 * build's) or 4.1 (copied by the build into target/netty-4.1).
 */
final class ChildJvm implements AutoCloseable
{
    static final String NETTY_42 = "4.2";
    static final String NETTY_41 = "4.1";
    /** gRPC's relocated copy of Netty, {@code io.grpc.netty.shaded.io.netty} (grpc-netty-shaded). */
    static final String GRPC_SHADED = "grpc-netty-shaded";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> stdout = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stderrReader;

    private ChildJvm(final Process process)
    {
        this.process = process;
        final Thread stdoutReader = new Thread(() -> pump(new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true), "child stdout");
        stdoutReader.setDaemon(true);
        stdoutReader.start();
        stderrReader = new Thread(() -> pump(new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false), "child stderr");
        stderrReader.setDaemon(true);
        stderrReader.start();
    }

    static Path agentJar()
    {
        Assumptions.assumeTrue(Boolean.getBoolean("structhist.agent.jar.packaged"),
            "runs after package (mvn verify), with the jar built from this source");
        final Path jar = Paths.get(System.getProperty("structhist.agent.jar", "target/structhist-agent.jar"));
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException(jar + " is missing: these tests run after `package` (mvn verify)");
        }
        return jar;
    }

    /**
     * The JDK the children run on: this JVM's, or {@code -Dstructhist.agent.child.java.home=...} (e.g. a JDK 25
     * while Maven runs on 17).
     */
    static String childJavaHome()
    {
        return System.getProperty("structhist.agent.child.java.home", System.getProperty("java.home"));
    }

    /** Starts {@code mainClass} with {@code -javaagent:JAR=agentArgs} (no '=' when agentArgs is null). */
    static ChildJvm start(final String nettyLine, final String agentArgs, final String mainClass, final String... args)
        throws IOException
    {
        return start(nettyLine, agentArgs, List.of(), mainClass, args);
    }

    /** As {@link #start(String, String, String, String...)}, with JVM options (system properties) before the class. */
    static ChildJvm start(final String nettyLine, final String agentArgs, final List<String> jvmOptions,
        final String mainClass, final String... args) throws IOException
    {
        final List<String> options = new ArrayList<>();
        options.add("-javaagent:" + agentJar().toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        options.addAll(jvmOptions);
        return startWith(nettyLine, options, mainClass, args);
    }

    /** The same child without the agent (a benchmark's baseline). */
    static ChildJvm startWithoutAgent(final String nettyLine, final List<String> jvmOptions,
        final String mainClass, final String... args) throws IOException
    {
        return startWith(nettyLine, jvmOptions, mainClass, args);
    }

    private static ChildJvm startWith(final String nettyLine, final List<String> jvmOptions,
        final String mainClass, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(childJavaHome(), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(testClasses() + File.pathSeparator + nettyClassPath(nettyLine));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).start());
    }

    private static String testClasses()
    {
        return Paths.get(DoubleReleaseServer.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .toString();
    }

    private static String nettyClassPath(final String line) throws IOException
    {
        if (GRPC_SHADED.equals(line))
        {
            return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains(GRPC_SHADED)).collect(Collectors.joining(File.pathSeparator));
        }
        if (NETTY_42.equals(line))
        {
            return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains(File.separator + "io" + File.separator + "netty" + File.separator))
                .collect(Collectors.joining(File.pathSeparator));
        }
        final Path dir = Paths.get(System.getProperty("structhist.netty41.dir", "target/netty-4.1"));
        try (Stream<Path> jars = Files.list(dir))
        {
            return jars.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted()
                .collect(Collectors.joining(File.pathSeparator));
        }
    }

    private void pump(final BufferedReader reader, final boolean out)
    {
        try
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (out)
                {
                    synchronized (stdout)
                    {
                        stdout.add(line);
                    }
                    lines.add(line);
                }
                else
                {
                    synchronized (stderr)
                    {
                        stderr.append(line).append('\n');
                    }
                }
            }
        }
        catch (final IOException ignored)
        {
            // The child is gone: what it wrote is kept.
        }
    }

    /** The first stdout line starting with {@code prefix}, waiting up to {@code seconds}. */
    String awaitLine(final String prefix, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix))
            {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty())
            {
                break;
            }
        }
        throw new AssertionError("the child printed no '" + prefix + "' line; stdout " + stdout() +
            "\nstderr:\n" + stderr());
    }

    /** Writes one line to the child's stdin. */
    void send(final String line) throws IOException
    {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the child's stdin (the server's signal to stop) and waits for it to exit; its exit code. */
    int stop(final long seconds) throws IOException, InterruptedException
    {
        process.getOutputStream().close();
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the child did not stop within " + seconds + " s; stderr:\n" + stderr());
        }
        stderrReader.join(5_000);
        return process.exitValue();
    }

    /** Waits for the child to exit by itself; its exit code. */
    int await(final long seconds) throws InterruptedException
    {
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the child did not exit within " + seconds + " s; stderr:\n" + stderr());
        }
        stderrReader.join(5_000);
        return process.exitValue();
    }

    List<String> stdout()
    {
        synchronized (stdout)
        {
            return new ArrayList<>(stdout);
        }
    }

    String stderr()
    {
        synchronized (stderr)
        {
            return stderr.toString();
        }
    }

    @Override
    public void close()
    {
        process.destroyForcibly();
    }
}
