package org.structhist.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a user would otherwise use to record one event {object id, verb, two long arguments, timestamp}
 * that a post-mortem tool could read, side by side with {@link LogBenchmark} (struct history and the
 * floors): run both with the regex {@code 'LogBenchmark|ContenderBenchmark'} in one JMH run, and compare
 * within it. One subclass per contender holds its states and benchmarks:
 * <ul>
 *   <li>{@link JfrContenderBenchmark} ({@code jfr*}): a JFR custom event with the same fields;</li>
 *   <li>{@link AgronaContenderBenchmark} ({@code agrona*}): a ManyToOneRingBuffer write of the same 48 bytes;</li>
 *   <li>{@link Log4jContenderBenchmark} ({@code log4j*}): Log4j 2 garbage-free logging to a
 *       MemoryMappedFileAppender;</li>
 *   <li>{@link NettyContenderBenchmark} ({@code netty*}): one {@code touch(hint)} on a ByteBuf tracked at
 *       PARANOID;</li>
 *   <li>{@link OpenSipsContenderBenchmark} ({@code opensips*}): OpenSIPS's {@code sh_log}, a lock and a
 *       {@code vsnprintf} into a 128-byte buffer.</li>
 * </ul>
 * This class holds what they share: the run settings below (JMH reads class annotations up the class
 * hierarchy), the event's fields, the tear-down helper {@link SharedByThreads} and the scratch directory.
 * Two-thread variants: {@code *TwoThreadsSameObject} share the one thing a contender has in common per
 * object (one ring, one appender, one tracked buffer, one lock); {@code *TwoThreadsOwnObject} give each
 * thread its own. JFR has no per-object state to share: {@code jfrTwoThreads} commits one event type
 * into one recording from both threads. benchmarks/README.md says what each variant shares.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public abstract class ContenderBenchmark
{
    /** The verb every contender records, as text where the contender keeps text. */
    static final String VERB = LogBenchmark.BenchVerb.TCP_REF.name();
    /** The object id: the same kind of address struct history's benchmark pushes. */
    static final long OBJECT_ID = 0x7f00_0000_0040L;
    static final long PID = ProcessHandle.current().pid();

    /**
     * JMH tears a shared state down as soon as the first thread finishes its last iteration, before the
     * threads' own states: a shared state extends this so that the last of its threads to tear down its
     * own state (after adding its counts) runs the trial's checks.
     */
    abstract static class SharedByThreads
    {
        private final AtomicInteger running = new AtomicInteger();

        @Setup(Level.Trial)
        public void countThreads(final BenchmarkParams params)
        {
            running.set(params.getThreads());
        }

        /** Called by each thread's tear-down; runs {@link #finish} in the last one. */
        final void threadDone() throws IOException
        {
            if (running.decrementAndGet() == 0)
            {
                finish();
            }
        }

        abstract void finish() throws IOException;
    }

    /** Where file-backed contenders write: tmpfs, as struct history's benchmark does. */
    static Path scratchDirectory(final String prefix) throws IOException
    {
        final Path shm = Paths.get("/dev/shm");
        final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ?
            shm : Paths.get(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, prefix);
    }
}
