package org.structhist.bench;

import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.util.Unbox;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log4j 2: garbage-free logging of the same event to a MemoryMappedFileAppender (and the boxed and
 * millisecond-clock variants); {@code *SameObject} shares one appender, {@code *OwnObject} one each.
 * <p>
 * One contender of {@link ContenderBenchmark}, which holds the run settings, the event fields and what
 * the contenders share; JMH names its benchmarks {@code Log4jContenderBenchmark.*}, so the regex
 * {@code ContenderBenchmark} still selects them all.
 */
public class Log4jContenderBenchmark extends ContenderBenchmark
{
    /** The line's layout: microsecond time, thread id, then the message "id verb a b". */
    static final String LOG4J_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSSSSS} %tid %m%n";
    static final String LOG4J_MESSAGE = "{} {} {} {}";

    /**
     * Log4j 2 configured in code, garbage-free mode set by {@code log4j2.component.properties} in this
     * module's resources (read when Log4j starts, before any of this runs): a logger writing through a
     * PatternLayout to a MemoryMappedFileAppender on tmpfs, {@code immediateFlush=false} (true would
     * {@code msync} per event). {@code log4j*TwoThreadsOwnObject} gives each thread its own logger,
     * appender and file; every other variant uses one. The files are counted and deleted at the end.
     */
    @State(Scope.Benchmark)
    public static class Log4jState extends SharedByThreads
    {
        static final int OWN_LOGGERS = 2;
        LoggerContext context;
        Logger shared;
        final Logger[] own = new Logger[OWN_LOGGERS];
        Path directory;
        final AtomicLong calls = new AtomicLong();

        @Setup(Level.Trial)
        public void configure(final BenchmarkParams params) throws IOException
        {
            directory = scratchDirectory("structhist-bench-log4j-");
            final boolean ownAppenders = params.getBenchmark().endsWith("TwoThreadsOwnObject");
            final ConfigurationBuilder<BuiltConfiguration> builder =
                ConfigurationBuilderFactory.newConfigurationBuilder();
            builder.setConfigurationName("structhist-bench");
            builder.setStatusLevel(org.apache.logging.log4j.Level.WARN);
            builder.add(builder.newRootLogger(org.apache.logging.log4j.Level.OFF));
            final int appenders = ownAppenders ? OWN_LOGGERS : 1;
            for (int i = 0; i < appenders; i++)
            {
                final String name = ownAppenders ? "own" + i : "shared";
                builder.add(builder.newAppender(name, "MemoryMappedFile")
                    .addAttribute("fileName", directory.resolve(name + ".log").toString())
                    .addAttribute("immediateFlush", false)
                    .addAttribute("regionLength", 32 << 20)
                    .add(builder.newLayout("PatternLayout").addAttribute("pattern", LOG4J_PATTERN)));
                builder.add(builder.newLogger("bench." + name, org.apache.logging.log4j.Level.INFO)
                    .addAttribute("additivity", false)
                    .add(builder.newAppenderRef(name)));
            }
            context = Configurator.initialize(builder.build());
            if (ownAppenders)
            {
                for (int i = 0; i < OWN_LOGGERS; i++)
                {
                    own[i] = context.getLogger("bench.own" + i);
                }
            }
            else
            {
                shared = context.getLogger("bench.shared");
            }
        }

        @Override
        void finish() throws IOException
        {
            Configurator.shutdown(context);
            try
            {
                long lines = 0;
                long bytes = 0;
                String last = "";
                try (var files = Files.list(directory))
                {
                    for (final Path file : (Iterable<Path>)files::iterator)
                    {
                        final long[] counted = countLines(file);
                        lines += counted[0];
                        bytes += counted[1];
                        last = lastLine(file);
                    }
                }
                System.out.println("log4j check: calls=" + calls.get() + ", lines=" + lines + ", bytes=" + bytes +
                    ", last line: " + last);
                if (lines != calls.get())
                {
                    throw new IllegalStateException("log4j: " + calls.get() + " calls but " + lines + " lines");
                }
            }
            finally
            {
                try (var files = Files.list(directory))
                {
                    for (final Path file : (Iterable<Path>)files::iterator)
                    {
                        Files.delete(file);
                    }
                }
                Files.delete(directory);
            }
        }
    }

    /** Newlines and bytes of a file, read through one reused direct buffer (the check must not allocate much). */
    static long[] countLines(final Path file) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long lines = 0;
        long bytes = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (channel.read(buffer) > 0)
            {
                buffer.flip();
                bytes += buffer.remaining();
                while (buffer.hasRemaining())
                {
                    if (buffer.get() == '\n')
                    {
                        lines++;
                    }
                }
                buffer.clear();
            }
        }
        return new long[] {lines, bytes};
    }

    static String lastLine(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final int length = (int)Math.min(256, channel.size());
            final ByteBuffer tail = ByteBuffer.allocate(length);
            channel.read(tail, channel.size() - length);
            final String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).stripTrailing();
            return text.substring(text.lastIndexOf('\n') + 1);
        }
    }

    @State(Scope.Thread)
    public static class Log4jThread
    {
        long a = LogBenchmark.ARG0;
        long b = LogBenchmark.ARG1;
        long id = OBJECT_ID;
        long calls;
        Logger own;

        @Setup(Level.Trial)
        public void pick(final Log4jState log4j, final ThreadParams params)
        {
            own = log4j.own[params.getThreadIndex() % Log4jState.OWN_LOGGERS];
        }

        @TearDown(Level.Trial)
        public void count(final Log4jState log4j) throws IOException
        {
            log4j.calls.addAndGet(calls);
            log4j.threadDone();
        }
    }

    /** The garbage-free form: Unbox.box keeps the longs in a per-thread ring of StringBuilders. */
    @Benchmark
    public void log4jGarbageFree(final Log4jState log4j, final Log4jThread thread)
    {
        log4j.shared.info(LOG4J_MESSAGE, Unbox.box(thread.id), VERB, Unbox.box(thread.a), Unbox.box(thread.b));
        thread.calls++;
    }

    /**
     * {@link #log4jGarbageFree} with Log4j's millisecond clock. Its default clock (for the microseconds
     * the pattern prints) takes a {@code java.time.Instant} from the JDK per event, which is garbage unless
     * C2's escape analysis removes it; this one reads {@code System.currentTimeMillis()}: no Instant, and
     * timestamps to the millisecond only.
     */
    @Benchmark
    @Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Dlog4j2.clock=SystemMillisClock"})
    public void log4jMillisClock(final Log4jState log4j, final Log4jThread thread)
    {
        log4jGarbageFree(log4j, thread);
    }

    /** What most code writes: the longs autoboxed (values above 127 are new Long objects). */
    @Benchmark
    public void log4jBoxedArgs(final Log4jState log4j, final Log4jThread thread)
    {
        log4j.shared.info(LOG4J_MESSAGE, thread.id, VERB, thread.a, thread.b);
        thread.calls++;
    }

    @Benchmark
    @Threads(2)
    public void log4jTwoThreadsSameObject(final Log4jState log4j, final Log4jThread thread)
    {
        log4jGarbageFree(log4j, thread);
    }

    @Benchmark
    @Threads(2)
    public void log4jTwoThreadsOwnObject(final Log4jState log4j, final Log4jThread thread)
    {
        thread.own.info(LOG4J_MESSAGE, Unbox.box(thread.id), VERB, Unbox.box(thread.a), Unbox.box(thread.b));
        thread.calls++;
    }
}
