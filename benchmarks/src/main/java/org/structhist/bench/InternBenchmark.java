package org.structhist.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cost of {@code sh.log(verb, format, arg)} when the format is not one literal but one of
 * {@code distinct} strings built at run time ({@code "session " + i + " opened by %d"}), cycled through in
 * order: 1 (a literal's case), 1,000 (a working set that fits the process's format cache) and 1,000,000
 * (every call a format the cache no longer holds; the file's string table fills after some tens of
 * thousands, and from then on each format's text goes into its record).
 * <p>
 * The strings are built in the set-up, so the figures are struct history's cost alone, not the
 * application's concatenation. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is 0 B/op when the
 * formats repeat within the cache's bound; past it, a miss copies the format's UTF-8 bytes once to look it
 * up in the file and caches one entry, a constant per call whatever {@code distinct} is. The tear-down
 * fails the run if the last event's message is blank or is not the format's text.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true"})
public class InternBenchmark
{
    private static final String LIST = "sessions";

    @State(Scope.Thread)
    public static class Formats
    {
        @Param({"1", "1000", "1000000"})
        int distinct;

        String[] formats;
        int next;
        long arg;
        Path directory;
        HistoryFile file;
        HistoryList list;
        History sh;
        private long address = 0x7f00_0000_0000L;

        @Setup(Level.Trial)
        public void open() throws IOException
        {
            if (!StructHistory.ENABLED)
            {
                throw new IllegalStateException("InternBenchmark needs -Dstructhist=true: use " +
                    "-jvmArgsAppend, not -jvmArgs");
            }
            formats = new String[distinct];
            for (int i = 0; i < distinct; i++)
            {
                formats[i] = "session " + i + " opened by %d";
            }
            final Path shm = Paths.get("/dev/shm");
            directory = Files.createTempDirectory(Files.isDirectory(shm) ? shm :
                Paths.get(System.getProperty("java.io.tmpdir")),
                "structhist-intern-bench-");
            file = HistoryFile.open(directory.resolve("intern.hist"), FileOptions.defaults().sizeBytes(32L << 20));
            list = file.list(LIST, ListOptions.window(1024).eventsPerObject(64).entrySize(128));
        }

        /** A fresh object per iteration: an object's event count saturates at 2^31 - 1. */
        @Setup(Level.Iteration)
        public void push()
        {
            address += 0x40;
            sh = list.push(address);
        }

        @TearDown(Level.Trial)
        public void verifyAndDelete() throws IOException
        {
            final int last = (next + distinct - 1) % distinct;
            file.close();
            try (HistoryReader reader = HistoryReader.open(directory.resolve("intern.hist")))
            {
                final Incarnation newest = reader.incarnationsOf(address).get(0);
                final List<Event> events = reader.events(newest);
                final String message = events.get(events.size() - 1).message();
                if (!message.startsWith("session " + last + " opened by "))
                {
                    throw new IllegalStateException("the last event reads '" + message + "', not format #" + last);
                }
            }
            finally
            {
                try (Stream<Path> files = Files.walk(directory))
                {
                    for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
                    {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    @Benchmark
    public void logDistinctFormats(final Formats state)
    {
        final int i = state.next;
        state.next = i + 1 == state.distinct ? 0 : i + 1;
        state.sh.log(LogBenchmark.BenchVerb.TCP_REF, state.formats[i], state.arg++);
    }
}
