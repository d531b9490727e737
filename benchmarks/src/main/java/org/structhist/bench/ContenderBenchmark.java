package org.structhist.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.StackTrace;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.util.Unbox;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a user would otherwise use to record one event {object id, verb, two long arguments, timestamp}
 * that a post-mortem tool could read, side by side with {@link LogBenchmark} (struct history and the
 * floors): run both classes in one JMH run, and compare within it.
 * <ul>
 *   <li>{@code jfr*}: a JFR custom event with the same fields, committed while a recording runs;</li>
 *   <li>{@code agrona*}: {@link ManyToOneRingBuffer#write} of the same 48 bytes, drained in the writing
 *       thread (see {@link AgronaRing});</li>
 *   <li>{@code log4j*}: Log4j 2 garbage-free logging of the same event to a MemoryMappedFileAppender;</li>
 *   <li>{@code netty*}: one {@code touch(hint)} on a ByteBuf tracked by Netty's ResourceLeakDetector at
 *       PARANOID;</li>
 *   <li>{@code opensips*}: what OpenSIPS's {@code sh_log} does: a lock, then {@code vsnprintf} of the line
 *       into a 128-byte buffer (see {@link OpenSipsHistory}).</li>
 * </ul>
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
public class ContenderBenchmark
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

    // ---------------------------------------------------------------------------------------------
    // JFR
    // ---------------------------------------------------------------------------------------------

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
                System.out.println("jfr check: committed=" + committed.get() +
                    ", in the dump (256 MiB cap): " + events +
                    " events (" + withStackTrace + " with a stack trace), jdk.DataLoss: " +
                    lostBytes + " bytes, dump " +
                    Files.size(dump) + " bytes");
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

    // ---------------------------------------------------------------------------------------------
    // Agrona ManyToOneRingBuffer
    // ---------------------------------------------------------------------------------------------

    /** Layout of the 48-byte message: the fields struct history stores for an event, plus the object id. */
    static final int MSG_OBJECT_ID = 0;
    static final int MSG_VERB_ID = 8;
    static final int MSG_FORMAT_ID = 12;
    static final int MSG_ARG0 = 16;
    static final int MSG_ARG1 = 24;
    static final int MSG_TIMESTAMP = 32;
    static final int MSG_THREAD_ID = 40;
    static final int MSG_LENGTH = 48;
    static final int MSG_TYPE_ID = 1;

    /** 64 KiB of records: ~1170 messages of 48 bytes (56 with the record header). */
    static final int RING_CAPACITY = 64 * 1024;
    /** Each writing thread drains the ring every this many of its own writes. */
    static final int DRAIN_EVERY = 256;

    /**
     * One ring with its consumer. Nothing else runs a consumer: a third thread would take one of the
     * two cores from the writers. The writing threads drain it themselves, every {@link #DRAIN_EVERY}
     * writes and whenever a write finds it full, so the cost measured per event is the write plus its
     * share of one read. {@link ManyToOneRingBuffer#read} admits one consumer at a time: a thread that
     * finds another draining just goes on writing.
     */
    static final class AgronaRing
    {
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        private final AtomicBoolean draining = new AtomicBoolean();
        /** Touched by one draining thread at a time (the flag above orders them). */
        long drained;
        long lastTimestamp;
        /** Messages written, added up by the writing threads when they finish. */
        final AtomicLong written = new AtomicLong();
        private final MessageHandler handler = this::onMessage;

        private void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            // What a consumer does at the least: look at the message (a real one would copy it out).
            lastTimestamp = buffer.getLong(index + MSG_TIMESTAMP);
            drained++;
        }

        void drain()
        {
            if (draining.compareAndSet(false, true))
            {
                try
                {
                    // One read stops at the end of the buffer: a second one takes what wrapped to the start.
                    // No more than that: a loop could keep a thread draining while the other one writes.
                    ring.read(handler, Integer.MAX_VALUE);
                    ring.read(handler, Integer.MAX_VALUE);
                }
                finally
                {
                    draining.set(false);
                }
            }
        }

        /** Drains what is left and fails unless every message written was read back. */
        void check(final String what)
        {
            if (written.get() == 0)
            {
                return;
            }
            while (ring.consumerPosition() != ring.producerPosition())
            {
                drain();
            }
            System.out.println(what + ": written=" + written.get() + ", read=" + drained);
            if (written.get() != drained)
            {
                throw new IllegalStateException(what + ": " + written.get() + " written but " + drained + " read");
            }
        }
    }

    /** The ring both threads write to ({@code agronaTwoThreadsSameObject}, and the single-thread variant). */
    @State(Scope.Benchmark)
    public static class AgronaShared extends SharedByThreads
    {
        final AgronaRing ring = new AgronaRing();

        @Override
        void finish()
        {
            ring.check("agrona check");
        }
    }

    /** One writing thread: its message buffer, its write count, and its own ring for the OwnObject variant. */
    @State(Scope.Thread)
    public static class AgronaThread
    {
        final UnsafeBuffer message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MSG_LENGTH, 64));
        final AgronaRing own = new AgronaRing();
        long a = LogBenchmark.ARG0;
        long b = LogBenchmark.ARG1;
        long id = OBJECT_ID;
        @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
        final long threadId = Thread.currentThread().getId();
        long written;

        /** Hands the count to the ring it wrote to; the last thread checks the shared ring. */
        @TearDown(Level.Trial)
        public void count(final AgronaShared shared, final BenchmarkParams params) throws IOException
        {
            if (params.getBenchmark().endsWith("OwnObject"))
            {
                own.written.addAndGet(written);
                own.check("agrona check (own ring)");
            }
            else
            {
                shared.ring.written.addAndGet(written);
            }
            shared.threadDone();
        }

        void write(final AgronaRing target)
        {
            final UnsafeBuffer m = message;
            m.putLong(MSG_OBJECT_ID, id);
            m.putInt(MSG_VERB_ID, 1);
            m.putInt(MSG_FORMAT_ID, 1);
            m.putLong(MSG_ARG0, a);
            m.putLong(MSG_ARG1, b);
            m.putLong(MSG_TIMESTAMP, System.nanoTime());
            m.putLong(MSG_THREAD_ID, threadId);
            while (!target.ring.write(MSG_TYPE_ID, m, 0, MSG_LENGTH))
            {
                // Full: the consumer has fallen behind (or another thread is draining): help it.
                target.drain();
            }
            if ((++written % DRAIN_EVERY) == 0)
            {
                target.drain();
            }
        }
    }

    @Benchmark
    public void agronaWrite(final AgronaShared shared, final AgronaThread thread)
    {
        thread.write(shared.ring);
    }

    @Benchmark
    @Threads(2)
    public void agronaTwoThreadsSameObject(final AgronaShared shared, final AgronaThread thread)
    {
        thread.write(shared.ring);
    }

    @Benchmark
    @Threads(2)
    public void agronaTwoThreadsOwnObject(final AgronaShared shared, final AgronaThread thread)
    {
        thread.write(thread.own);
    }

    // ---------------------------------------------------------------------------------------------
    // Log4j 2
    // ---------------------------------------------------------------------------------------------

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

    // ---------------------------------------------------------------------------------------------
    // Netty ResourceLeakDetector
    // ---------------------------------------------------------------------------------------------

    /**
     * The hint recorded by each touch. Netty keeps a reference to the hint and calls toString() only
     * when it reports a leak: recording the event's arguments would take a new hint object per touch,
     * so this passes the verb only, as most touch(hint) calls do.
     */
    static final Object NETTY_HINT = VERB;

    /** A pooled direct buffer allocated at PARANOID: every allocation is tracked, every touch recorded. */
    static ByteBuf trackedBuffer()
    {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        final ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        if (!buffer.getClass().getSimpleName().equals("AdvancedLeakAwareByteBuf"))
        {
            throw new IllegalStateException("netty: the buffer is not tracked at PARANOID: " + buffer.getClass());
        }
        return buffer;
    }

    @State(Scope.Benchmark)
    public static class NettyShared
    {
        ByteBuf buffer;

        @Setup(Level.Trial)
        public void allocate()
        {
            buffer = trackedBuffer();
        }

        @TearDown(Level.Trial)
        public void release()
        {
            buffer.release();
        }
    }

    @State(Scope.Thread)
    public static class NettyThread
    {
        ByteBuf own;

        @Setup(Level.Trial)
        public void allocate()
        {
            own = trackedBuffer();
        }

        @TearDown(Level.Trial)
        public void release()
        {
            own.release();
        }
    }

    @Benchmark
    public ByteBuf nettyTouch(final NettyShared netty)
    {
        return netty.buffer.touch(NETTY_HINT);
    }

    @Benchmark
    @Threads(2)
    public ByteBuf nettyTwoThreadsSameObject(final NettyShared netty)
    {
        return netty.buffer.touch(NETTY_HINT);
    }

    @Benchmark
    @Threads(2)
    public ByteBuf nettyTwoThreadsOwnObject(final NettyThread thread)
    {
        return thread.own.touch(NETTY_HINT);
    }

    // ---------------------------------------------------------------------------------------------
    // OpenSIPS sh_log
    // ---------------------------------------------------------------------------------------------

    /** MAX_SHLOG_SIZE in OpenSIPS's struct_hist.h. */
    static final int MAX_SHLOG_SIZE = 128;
    /** Entries kept per object, as struct history's benchmark keeps 64 (OpenSIPS grows its array instead). */
    static final int OPENSIPS_ENTRIES = 64;

    /**
     * One object's history the way OpenSIPS's lib/dbg/struct_hist.c {@code sh_log} records an event:
     * take the history's lock ({@code lock_get(&sh->wlock)}), take the next action, store verb, time and
     * pid, zero its 128-byte text ({@code memset(act->log, 0, MAX_SHLOG_SIZE)}), format the line into it
     * ({@code vsnprintf(act->log, MAX_SHLOG_SIZE, fmt, ap)}), release the lock. Differences, each on the
     * cheap side: the actions are a fixed ring of 64 (OpenSIPS reallocs the array when it is full), and the
     * time is {@code System.nanoTime()} (OpenSIPS reads a tick counter another process updates, which is
     * what struct history's coarse clock is). {@link #vsnprintf} is the formatter.
     */
    static final class OpenSipsHistory
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final int[] verbs = new int[OPENSIPS_ENTRIES];
        private final long[] times = new long[OPENSIPS_ENTRIES];
        private final int[] pids = new int[OPENSIPS_ENTRIES];
        private final byte[][] texts = new byte[OPENSIPS_ENTRIES][MAX_SHLOG_SIZE];
        /** vsnprintf's work area, reused under the lock: StringBuilder.append(long) writes digits in place. */
        private final StringBuilder line = new StringBuilder(MAX_SHLOG_SIZE);
        private long length;

        void log(final int verb, final String format, final long arg0, final long arg1)
        {
            lock.lock();
            try
            {
                final int action = (int)(length++ & (OPENSIPS_ENTRIES - 1));
                verbs[action] = verb;
                times[action] = System.nanoTime();
                pids[action] = (int)PID;
                final byte[] text = texts[action];
                Arrays.fill(text, (byte)0);
                vsnprintf(text, format, arg0, arg1);
            }
            finally
            {
                lock.unlock();
            }
        }

        /**
         * What vsnprintf does with "%d" conversions and literal text: walks the format at run time (it is
         * not compiled ahead), converts each argument to decimal, and writes at most size - 1 bytes and a
         * terminating NUL. Through a reused StringBuilder (append(long) writes the digits into its own
         * array, allocating nothing), then copied into the 128 bytes. Returns the length it would have
         * had untruncated, as vsnprintf does.
         */
        private int vsnprintf(final byte[] out, final String format, final long arg0, final long arg1)
        {
            final StringBuilder sb = line;
            sb.setLength(0);
            int argument = 0;
            final int formatLength = format.length();
            for (int i = 0; i < formatLength; i++)
            {
                final char c = format.charAt(i);
                if (c == '%' && i + 1 < formatLength)
                {
                    final char conversion = format.charAt(++i);
                    if (conversion == 'd')
                    {
                        sb.append(argument++ == 0 ? arg0 : arg1);
                        continue;
                    }
                    if (conversion != '%')
                    {
                        sb.append('%');
                    }
                    sb.append(conversion);
                    continue;
                }
                sb.append(c);
            }
            final int length = sb.length();
            final int n = Math.min(length, out.length - 1);
            for (int i = 0; i < n; i++)
            {
                out[i] = (byte)sb.charAt(i);
            }
            out[n] = 0;
            return length;
        }

        long length()
        {
            lock.lock();
            try
            {
                return length;
            }
            finally
            {
                lock.unlock();
            }
        }

        String lastText()
        {
            lock.lock();
            try
            {
                final byte[] text = texts[(int)((length - 1) & (OPENSIPS_ENTRIES - 1))];
                int end = 0;
                while (end < text.length && text[end] != 0)
                {
                    end++;
                }
                return new String(text, 0, end, StandardCharsets.US_ASCII);
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /** The verb's number in the C enum. */
    static final int OPENSIPS_TCP_REF = 1;

    @State(Scope.Benchmark)
    public static class OpenSipsShared extends SharedByThreads
    {
        final OpenSipsHistory history = new OpenSipsHistory();

        @Override
        void finish()
        {
            if (history.length() != 0)
            {
                checkHistory("opensips check", history);
            }
        }
    }

    static void checkHistory(final String what, final OpenSipsHistory history)
    {
        final String expected = "fmt " + LogBenchmark.ARG0 + " " + LogBenchmark.ARG1;
        System.out.println(what + ": events=" + history.length() + ", last text: " + history.lastText());
        if (!history.lastText().equals(expected))
        {
            throw new IllegalStateException("opensips: last text is '" + history.lastText() +
                "', not '" + expected + "'");
        }
    }

    @State(Scope.Thread)
    public static class OpenSipsThread
    {
        final OpenSipsHistory own = new OpenSipsHistory();
        long a = LogBenchmark.ARG0;
        long b = LogBenchmark.ARG1;

        @TearDown(Level.Trial)
        public void check(final OpenSipsShared shared) throws IOException
        {
            if (own.length() != 0)
            {
                checkHistory("opensips check (own object)", own);
            }
            shared.threadDone();
        }
    }

    @Benchmark
    public void opensipsLockFormat(final OpenSipsShared shared, final OpenSipsThread thread)
    {
        shared.history.log(OPENSIPS_TCP_REF, LogBenchmark.FORMAT, thread.a, thread.b);
    }

    @Benchmark
    @Threads(2)
    public void opensipsTwoThreadsSameObject(final OpenSipsShared shared, final OpenSipsThread thread)
    {
        shared.history.log(OPENSIPS_TCP_REF, LogBenchmark.FORMAT, thread.a, thread.b);
    }

    @Benchmark
    @Threads(2)
    public void opensipsTwoThreadsOwnObject(final OpenSipsShared shared, final OpenSipsThread thread)
    {
        thread.own.log(OPENSIPS_TCP_REF, LogBenchmark.FORMAT, thread.a, thread.b);
    }
}
