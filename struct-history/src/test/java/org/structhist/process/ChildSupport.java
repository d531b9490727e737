package org.structhist.process;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What every child main class of these tests shares: protocol lines on stdout, a start gate, and a
 * watchdog so that no child outlives its test. The watchdog ends the child when its stdin reaches end
 * of file (the test JVM closed it or died) or when it has run too long, so even a test JVM killed
 * mid-test leaves no writer spinning on a CI machine.
 */
final class ChildSupport
{
    /** Exit value of a child ended by its watchdog because its parent went away. */
    static final int ORPHANED_EXIT = 86;
    /** Exit value of a child ended by its watchdog because it ran longer than any test allows. */
    static final int TOO_LONG_EXIT = 87;

    static final int START_GATE_BYTES = 64;
    private static final long GATE_POLL_NANOS = 20_000;

    private static final long MAX_LIFETIME_MILLIS = TimeUnit.MINUTES.toMillis(3);

    private ChildSupport()
    {
    }

    /** Starts the watchdog; call first thing in {@code main}. */
    static void startWatchdog()
    {
        final Thread stdinWatcher = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                while (in.readLine() != null)
                {
                    // Lines are not used by these children; only the end of stdin counts.
                }
            }
            catch (final IOException ignore)
            {
                // A broken stdin means the same as end of file: the parent is gone.
            }
            // halt, not exit: a writer thread must not get a chance to run shutdown work.
            Runtime.getRuntime().halt(ORPHANED_EXIT);
        }, "watchdog-stdin");
        stdinWatcher.setDaemon(true);
        stdinWatcher.start();

        final Thread timer = new Thread(() ->
        {
            try
            {
                Thread.sleep(MAX_LIFETIME_MILLIS);
            }
            catch (final InterruptedException ignore)
            {
                // Nobody interrupts this thread; if someone does, fall through and end the child.
            }
            System.err.println("child ran for more than " + MAX_LIFETIME_MILLIS + " ms: halting");
            Runtime.getRuntime().halt(TOO_LONG_EXIT);
        }, "watchdog-timer");
        timer.setDaemon(true);
        timer.start();
    }

    /**
     * Waits until the int at the start of {@code flagFile} (mapped, shared with the test JVM) is
     * non-zero. A start gate sharper than a line on stdin: children polling it start within a poll
     * period of each other, where waking up on a pipe read can skew them by milliseconds.
     */
    static void awaitStartGate(final Path flagFile) throws IOException
    {
        try (FileChannel channel = FileChannel.open(flagFile, StandardOpenOption.READ))
        {
            final UnsafeBuffer gate =
                new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, START_GATE_BYTES));
            // Polled, not spun: on a 2-core machine two spinning children would starve the test JVM
            // that has to open the gate, and the one descheduled for it would start a time slice late.
            while (gate.getIntVolatile(0) == 0)
            {
                LockSupport.parkNanos(GATE_POLL_NANOS);
            }
        }
    }

    /** Opens the gate of {@link #awaitStartGate}: a file of {@link #START_GATE_BYTES} zero bytes. */
    static void openStartGate(final Path flagFile) throws IOException
    {
        try (FileChannel channel = FileChannel.open(flagFile, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, START_GATE_BYTES)).putIntVolatile(0, 1);
        }
    }

    /** Prints one protocol line and flushes it at once: the parent is waiting for it. */
    static void println(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
