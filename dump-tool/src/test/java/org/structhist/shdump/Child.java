package org.structhist.shdump;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A child JVM started as surefire starts the test JVM: this JVM's java binary, the test class path,
 * Agrona's flag and the structhist switch. Its stdout and stderr are read by daemon threads into
 * {@link Captured} buffers, so the test waits for handshake lines with a timeout; every wait is bounded
 * and {@link #close()} kills it, so a failing test leaves no process behind.
 */
final class Child implements AutoCloseable
{
    private final Process process;
    private final Writer stdin;
    final Captured out = new Captured();
    final Captured err = new Captured();
    private final List<Thread> pumps = new ArrayList<>();

    private Child(final List<String> command) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("STRUCTHIST_FILE");
        process = builder.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pumps.add(pump(process.getInputStream(), out));
        pumps.add(pump(process.getErrorStream(), err));
    }

    static Child start(final Class<?> mainClass, final Object... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dstructhist=true",
            "-cp", System.getProperty("java.class.path"),
            mainClass.getName()));
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return new Child(command);
    }

    private static Thread pump(final InputStream in, final Captured sink)
    {
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    sink.writer.println(line);
                }
            }
            catch (final IOException ignore)
            {
                // The pipe breaks when the child is killed: what was read is all there is.
            }
        }, "child-pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for a stdout line starting with {@code prefix} and returns it. */
    String awaitLine(final String prefix, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final boolean ended = !process.isAlive();
            for (final String line : out.lines())
            {
                if (line.startsWith(prefix))
                {
                    return line;
                }
            }
            if (ended)
            {
                awaitExit(timeout);
                // Its last lines may have reached the pump only after it ended.
                for (final String line : out.lines())
                {
                    if (line.startsWith(prefix))
                    {
                        return line;
                    }
                }
                return fail("child ended without a line starting with '" + prefix + "'\n" + describe());
            }
            if (System.nanoTime() - deadline > 0)
            {
                close();
                return fail("no line starting with '" + prefix + "' within " + timeout +
                    "; child killed\n" + describe());
            }
            Thread.sleep(10);
        }
    }

    void send(final String line) throws IOException
    {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** SIGTERM, as {@code kill PID} sends it ({@link Process#destroy()} on Linux). */
    long pid()
    {
        return process.pid();
    }

    void terminate()
    {
        process.destroy();
    }

    int awaitExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            close();
            fail("child did not exit within " + timeout + "; it was killed\n" + describe());
        }
        for (final Thread pump : pumps)
        {
            pump.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    String describe()
    {
        return "--- child pid " + process.pid() +
            (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")") +
            "\n--- stdout:\n" + out.text() + "--- stderr:\n" + err.text();
    }

    @Override
    public void close()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ignore)
        {
            // Closed already, or the child is gone.
        }
        if (process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
