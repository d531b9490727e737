package org.structhist.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What {@link KillTorture} does to processes besides killing them: stop and continue them, and wait. */
final class TortureProcesses
{
    private TortureProcesses()
    {
    }

    /** Sends {@code signal} ({@code -STOP}, {@code -CONT}) to {@code pids}; for SIGSTOP, waits until they stopped. */
    static void signal(final String signal, final List<Long> pids)
    {
        if (pids.isEmpty())
        {
            return;
        }
        final List<String> command = new ArrayList<>(List.of("kill", signal));
        for (final long pid : pids)
        {
            command.add(Long.toString(pid));
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
                for (final long pid : pids)
                {
                    awaitStopped(pid);
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

    /** Sleeps; nothing for {@code millis <= 0}; an interrupt ends the run. */
    static void sleepMillis(final long millis)
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

    /** The java launcher of this JVM: the writers run on the JDK the harness runs on. */
    static String javaBinary()
    {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
