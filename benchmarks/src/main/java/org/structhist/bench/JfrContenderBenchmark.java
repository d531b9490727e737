package org.structhist.bench;

import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.StackTrace;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JFR: a custom event with the same fields as struct history's, committed while a recording runs
 * (with and without a stack trace per event); {@code jfrTwoThreads} commits one event type into one
 * recording from both threads (JFR has no per-object state to share).
 * <p>
 * One contender of {@link ContenderBenchmark}, which holds the run settings, the event fields and what
 * the contenders share; JMH names its benchmarks {@code JfrContenderBenchmark.*}, so the regex
 * {@code ContenderBenchmark} still selects them all.
 */
public class JfrContenderBenchmark extends ContenderBenchmark
{
    /** The event as JFR would record it: the timestamp is JFR's own start time. No stack trace. */
    @Name("org.structhist.bench.TcpRef")
    @Label("TCP_REF")
    @StackTrace(false)
    public static final class TcpRefEvent extends Event
    {
        @Label("object id")
        long objectId;
        @Label("verb")
        String verb;
        @Label("arg0")
        long arg0;
        @Label("arg1")
        long arg1;
    }

    /** The same event with JFR's default for a custom event type: a stack trace per event. */
    @Name("org.structhist.bench.TcpRefWithStack")
    @Label("TCP_REF with stack trace")
    @StackTrace(true)
    public static final class TcpRefEventWithStack extends Event
    {
        @Label("object id")
        long objectId;
        @Label("verb")
        String verb;
        @Label("arg0")
        long arg0;
        @Label("arg1")
        long arg1;
    }

    /**
     * A recording with the benchmark's event type enabled, kept on disk (the repository, which is what
     * is left after a crash) with a size cap so that old chunks are evicted. With {@code -Dbench.check=true}
     * the tear-down dumps it and counts what landed, and the JDK's own data-loss events (a few seconds of
     * parsing per million events, so not by default).
     */
    @State(Scope.Benchmark)
    public static class JfrState extends SharedByThreads
    {
        Recording recording;
        final AtomicLong committed = new AtomicLong();
        private boolean withStack;

        @Setup(Level.Trial)
        public void start(final BenchmarkParams params)
        {
            withStack = params.getBenchmark().endsWith("StackTrace");
            recording = new Recording();
            recording.setName("structhist-bench");
            recording.setToDisk(true);
            recording.setMaxSize(256L << 20);
            if (withStack)
            {
                recording.enable(TcpRefEventWithStack.class).withStackTrace();
            }
            else
            {
                recording.enable(TcpRefEvent.class).withoutStackTrace();
            }
            recording.start();
        }

        @Override
        void finish() throws IOException
        {
            recording.stop();
            try
            {
                if (Boolean.getBoolean("bench.check"))
                {
                    check();
                }
            }
            finally
            {
                recording.close();
            }
        }

        private void check() throws IOException
        {
            final Path directory = scratchDirectory("structhist-bench-jfr-");
            final Path dump = directory.resolve("bench.jfr");
            try
            {
                recording.dump(dump);
                final String type = withStack ? "org.structhist.bench.TcpRefWithStack" : "org.structhist.bench.TcpRef";
                long events = 0;
                long lostBytes = 0;
                long withStackTrace = 0;
                try (RecordingFile file = new RecordingFile(dump))
                {
                    while (file.hasMoreEvents())
                    {
                        final RecordedEvent event = file.readEvent();
                        final String name = event.getEventType().getName();
                        if (name.equals(type))
                        {
                            events++;
                            withStackTrace += event.getStackTrace() == null ? 0 : 1;
                        }
                        else if (name.equals("jdk.DataLoss"))
                        {
                            lostBytes += event.getLong("amount");
                        }
                    }
                }
                System.out.println("jfr check: committed=" + committed.get() + ", in the dump (256 MiB cap): " +
                    events + " events (" + withStackTrace + " with a stack trace), jdk.DataLoss: " + lostBytes +
                    " bytes, dump " + Files.size(dump) + " bytes");
            }
            finally
            {
                Files.deleteIfExists(dump);
                Files.deleteIfExists(directory);
            }
        }
    }

    /** Counts commits per thread, only when checking (a shared counter would be a contended write). */
    @State(Scope.Thread)
    public static class JfrThread
    {
        final boolean check = Boolean.getBoolean("bench.check");
        long a = LogBenchmark.ARG0;
        long b = LogBenchmark.ARG1;
        long id = OBJECT_ID;
        long commits;

        @TearDown(Level.Trial)
        public void count(final JfrState jfr) throws IOException
        {
            jfr.committed.addAndGet(commits);
            jfr.threadDone();
        }
    }

    @Benchmark
    public void jfrCommit(final JfrState jfr, final JfrThread thread)
    {
        final TcpRefEvent event = new TcpRefEvent();
        event.objectId = thread.id;
        event.verb = VERB;
        event.arg0 = thread.a;
        event.arg1 = thread.b;
        event.commit();
        if (thread.check)
        {
            thread.commits++;
        }
    }

    @Benchmark
    public void jfrCommitStackTrace(final JfrState jfr, final JfrThread thread)
    {
        final TcpRefEventWithStack event = new TcpRefEventWithStack();
        event.objectId = thread.id;
        event.verb = VERB;
        event.arg0 = thread.a;
        event.arg1 = thread.b;
        event.commit();
        if (thread.check)
        {
            thread.commits++;
        }
    }

    /** Both threads commit the one event type into the one recording (JFR buffers per thread). */
    @Benchmark
    @Threads(2)
    public void jfrTwoThreads(final JfrState jfr, final JfrThread thread)
    {
        jfrCommit(jfr, thread);
    }
}
