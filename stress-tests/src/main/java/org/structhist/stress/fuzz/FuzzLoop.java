package org.structhist.stress.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The seeded mutation loop {@link ReaderFuzz} and {@link WriterFuzz} share: executions one after another on a
 * worker thread, so that a hang is caught and reported with the worker's stack (where it hangs, not where it
 * was seen), until the time is up or an execution fails.
 */
final class FuzzLoop
{
    /** What ended the loop (null when the time ran out) and how long it ran. */
    record Outcome(Throwable finding, double seconds)
    {
    }

    /** One execution of a fuzzer: builds and exercises one mutant, throws on a finding. */
    @FunctionalInterface
    interface Execution
    {
        void run() throws Exception;
    }

    private FuzzLoop()
    {
    }

    /**
     * Runs {@code execution} on a thread named {@code threadName} for {@code seconds}; one that takes longer
     * than {@code hangSeconds} is a finding that names {@code mutant}. {@code executions} counts the runs so
     * far, for the finding's message.
     */
    static Outcome run(
        final String threadName,
        final long seconds,
        final long seed,
        final int hangSeconds,
        final Execution execution,
        final LongSupplier executions,
        final Supplier<Object> mutant) throws InterruptedException
    {
        final AtomicReference<Thread> workerThread = new AtomicReference<>();
        final ExecutorService worker = Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            workerThread.set(thread);
            return thread;
        });
        try
        {
            final long started = System.nanoTime();
            final long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
            Throwable finding = null;
            while (System.nanoTime() < deadline && finding == null)
            {
                final Future<?> submitted = worker.submit(() ->
                {
                    execution.run();
                    return null;
                });
                try
                {
                    submitted.get(hangSeconds, TimeUnit.SECONDS);
                }
                catch (final ExecutionException ex)
                {
                    finding = new AssertionError("execution " + executions.getAsLong() + " (seed " + seed + "): " +
                        ex.getCause(), ex.getCause());
                }
                catch (final TimeoutException ex)
                {
                    final AssertionError hang = new AssertionError("execution " + executions.getAsLong() + " (seed " +
                        seed + ") ran longer than " + hangSeconds + " s: a hang; the mutant is " + mutant.get());
                    hang.setStackTrace(workerThread.get().getStackTrace());
                    finding = hang;
                }
            }
            return new Outcome(finding, (System.nanoTime() - started) / 1e9);
        }
        finally
        {
            worker.shutdownNow();
        }
    }

    /** A fresh scratch directory for one loop's files, under {@link FuzzCommandLine#tempParent()}. */
    static Path scratch(final String prefix) throws IOException
    {
        return Files.createTempDirectory(FuzzCommandLine.tempParent(), prefix);
    }

    /** Removes a loop's scratch directory and everything in it. */
    static void delete(final Path dir) throws IOException
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
