package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the hostile-file tests (history files and heap files) share: mutants made from a good file's
 * bytes, and one shdump run held to invariant 8's bounds, a time limit and an allocation limit.
 */
final class HostileInputs
{
    /** Far above what a 64 KiB file takes to read, far below a hang. */
    static final Duration LIMIT = Duration.ofSeconds(1);
    /** An allocation sized by a count in the file would exceed this by orders of magnitude. */
    static final long MAX_ALLOCATED_BYTES = 64L << 20;

    private HostileInputs()
    {
    }

    static Path write(final Path dir, final String name, final byte[] bytes) throws Exception
    {
        final Path path = dir.resolve(name);
        Files.write(path, bytes);
        return path;
    }

    /** A copy of {@code good} with the i32 (or i64 when {@code size} is 8) at {@code offset} set to {@code value}. */
    static byte[] with(final byte[] good, final int offset, final long value, final int size)
    {
        final byte[] bytes = good.clone();
        Histories.put(bytes, offset, value, size);
        return bytes;
    }

    /** Runs shdump with {@code args} under {@link #LIMIT}, failing if this thread allocated more than the limit. */
    static Cli.Result bounded(final String[] args, final Path file)
    {
        return assertTimeoutPreemptively(LIMIT, () ->
        {
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            final Cli.Result result = Cli.run(args);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < MAX_ALLOCATED_BYTES, () -> "allocated " + allocated + " bytes" + result.describe());
            return result;
        }, () -> "shdump " + String.join(" ", args) + " on " + file + " took more than " + LIMIT);
    }

    /**
     * What a run against a file that is changing under it may answer: exit 3 with one sentence naming
     * {@code file}, or a clean 0 or 1; never a stack trace.
     */
    static void assertAnsweredCleanly(final Cli.Result result, final Path file)
    {
        if (result.code() == ExitCode.BAD_FILE)
        {
            result.saysOneSentence(file.toString());
        }
        else
        {
            result.noStackTrace().errEmpty();
            assertTrue(result.code() == ExitCode.OK || result.code() == ExitCode.FOUND, result.describe());
        }
    }

    /**
     * Another process truncating a file under its readers: cuts it to {@code shortLength} and grows it
     * back to {@code fullLength}, over and over, until closed; closing fails if the cutting failed.
     */
    static final class Cutter implements AutoCloseable
    {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Cutter(final Path file, final long shortLength, final long fullLength)
        {
            thread = new Thread(() ->
            {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                {
                    while (!stop.get())
                    {
                        raf.setLength(shortLength);
                        Thread.sleep(0, 200_000);
                        raf.setLength(fullLength);
                        Thread.sleep(1);
                    }
                }
                catch (final Exception ex)
                {
                    failure.set(ex);
                }
            }, "cutter");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException
        {
            stop.set(true);
            thread.join();
            assertNull(failure.get());
        }
    }
}
