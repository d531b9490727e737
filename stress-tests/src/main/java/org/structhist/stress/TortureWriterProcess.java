package org.structhist.stress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@link TortureWriter} process of {@link KillTorture}, started on construction: writer {@code slot}'s
 * {@code restart}-th life, {@code threads} threads writing to {@code file}. Its stdout is read on a daemon
 * thread for READY; its stderr is kept for the message when it dies on its own.
 */
final class TortureWriterProcess
{
    /** Exit value of a process killed by SIGKILL, as {@link Process#exitValue()} reports it on Linux. */
    private static final int SIGKILL_EXIT = 128 + 9;

    final int slot;
    final int restart;
    final Process process;
    final long pid;
    final long startNanos = System.nanoTime();
    private volatile boolean ready;
    private final StringBuilder stderr = new StringBuilder();

    TortureWriterProcess(final Path file, final int slot, final int restart, final int threads)
    {
        this.slot = slot;
        this.restart = restart;
        final List<String> command = new ArrayList<>(List.of(TortureProcesses.javaBinary(), "-Xmx64m",
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true", "-cp",
            System.getProperty("java.class.path"),
            TortureWriter.class.getName(), file.toString(), Integer.toString(slot), Integer.toString(restart),
            Integer.toString(threads)));
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
            TortureProcesses.sleepMillis(1);
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
            throw new IllegalStateException("writer " + slot + "." + restart + " (pid " + pid + ") died on its own " +
                "with exit value " + process.exitValue() + "; stderr:\n" + stderr);
        }
    }

    private void pump(final InputStream in, final Consumer<String> sink)
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

    /** SIGKILL without waiting, for the harness's clean-up; a writer already gone is left alone. */
    void destroy()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
        }
    }
}
