package org.structhist.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.StructHistory;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.ShmVerb;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One allocate + free pair of {@code size} bytes, with the first long of the memory written in between so
 * that it is touched, for {@link SharedHeap} and what a user would otherwise use for off-heap memory:
 * <ul>
 *   <li>{@code sharedHeap}: {@code allocate}, {@code putLong}, {@code free}; no poisoning, no quarantine,
 *       automatic history off (the fork has no {@code -Dstructhist=true}, and {@code history(null)});</li>
 *   <li>{@code sharedHeapPoisonQuarantine}: the same on a heap with poisoning and a 1 MiB quarantine (16384
 *       slots, so that the byte budget binds: see {@link #QUARANTINE_SLOTS});</li>
 *   <li>{@code sharedHeapHistory}: the same in a fork with {@code -Dstructhist=true}, so every allocate and
 *       free also logs SHM_ALLOC / SHM_FREE (allocate pushes an incarnation, free unrefs it) to a list
 *       "shm" with the default {@code ListOptions}, in a history file of the trial's own (not the user's
 *       default file, which other processes on the machine may be using);</li>
 *   <li>{@code byteBufferAllocateDirect}: {@code ByteBuffer.allocateDirect(size)}, {@code putLong(0, v)},
 *       and the buffer is dropped. There is no free: its native memory goes back only after a GC has found
 *       the buffer unreachable and the JDK's cleaner thread has run its deallocator. Java 17 has no
 *       supported API that frees a direct buffer eagerly: {@code sun.misc.Unsafe.invokeCleaner} (module
 *       jdk.unsupported) and {@code DirectBuffer.cleaner()} (jdk.internal, needs --add-exports) are
 *       internal, and the incubating foreign-memory API (jdk.incubator.foreign, --add-modules) allocates
 *       a MemorySegment, not a direct ByteBuffer one can free;</li>
 *   <li>{@code nettyUnpooledDirect}: {@code UnpooledByteBufAllocator.DEFAULT.directBuffer(size)},
 *       {@code setLong}, {@code release()}: on Java 17 that is {@code ByteBuffer.allocateDirect} freed eagerly
 *       by Netty through {@code sun.misc.Unsafe.invokeCleaner} (its CleanerJava9), i.e. the eager-free
 *       variant, reached through Netty's public API; leak detection off;</li>
 *   <li>{@code nettyPooled}: {@code PooledByteBufAllocator.DEFAULT.directBuffer(size)}, {@code setLong},
 *       {@code release()}, with Netty's defaults: leak detection SIMPLE (one allocation in 128 is tracked,
 *       with a stack trace), and, since Netty 4.2, no thread-local cache for threads that are not Netty's
 *       own ({@code io.netty.allocator.useCacheForAllThreads=false}): JMH's threads allocate from their
 *       arena directly;</li>
 *   <li>{@code nettyPooledNoLeakDetection}: the same with leak detection DISABLED. On such a thread Netty
 *       4.2's {@code Recycler} does not recycle either: every {@code directBuffer} is a new
 *       {@code PooledUnsafeDirectByteBuf} (about 104 bytes of garbage);</li>
 *   <li>{@code nettyPooledFastThread}: the same, leak detection DISABLED, run by JMH on Netty's own
 *       {@link FastThreadLocalThread}s ({@link FastThreadExecutor}, through JMH's {@code jmh.executor=CUSTOM}),
 *       as on a Netty event loop: each thread has its thread-local cache of freed chunks and its
 *       {@code Recycler} pool of buffer objects. Netty's allocator as it is meant to be used.</li>
 * </ul>
 * Run with {@code -t 1} and {@code -t 2}: every thread allocates and frees its own chunk (nothing is
 * handed between threads); what two threads share is the allocator (for SharedHeap: the size class's
 * free-list head, and with the quarantine its ring counters). Run with {@code -prof gc}: SharedHeap should
 * allocate 0 B/op. At the end of a trial one {@code alloc check:} line says what the allocator holds
 * (SharedHeap: no chunk left allocated; with history, the newest incarnation's events); JMH runs that
 * tear-down inside the last measured iteration, where its few KB show in {@code gc.alloc.rate.norm}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class AllocBenchmark
{
    /** Room for the pairs in flight, the 1 MiB quarantine and the page a size class carves at a time. */
    static final long HEAP_CAPACITY = 64L << 20;
    static final long QUARANTINE_BYTES = 1L << 20;
    /**
     * More slots than 1 MiB of the smallest chunks (9,362 of 112 bytes), so that the byte budget is what
     * binds at both sizes: with the default 4096 slots, 4096 chunks of 112 bytes (448 KiB) fill the slots
     * first. (Before main's a4d1694, a quarantine full by count released every chunk as soon as it was
     * freed: see RESULTS.md.)
     */
    static final int QUARANTINE_SLOTS = 16384;
    static final String HEAP_FILE = "bench.heap";
    static final String HISTORY_FILE = "shm.hist";
    static final String HISTORY_LIST = "shm";
    /** What is written into the first long of every allocation. */
    static final long VALUE = 0x5EED_0000_0040L;

    /** The allocator under test, made for the trial and torn down by the last thread to finish. */
    @State(Scope.Benchmark)
    public static class Allocators extends ContenderBenchmark.SharedByThreads
    {
        @Param({"64", "1024"})
        int size;

        Path directory;
        SharedHeap heap;
        HistoryFile historyFile;
        private String benchmark;
        private int threads;

        @Setup(Level.Trial)
        public void open(final BenchmarkParams params) throws IOException
        {
            benchmark = params.getBenchmark();
            threads = params.getThreads();
            final String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            final boolean wantHistory = method.equals("sharedHeapHistory");
            if (StructHistory.ENABLED != wantHistory)
            {
                throw new IllegalStateException(method + " needs struct history " + (wantHistory ?
                    "on (-Dstructhist=true)" : "off (no -Dstructhist=true)") + ", but it is " +
                    (StructHistory.ENABLED ? "on" : "off") + " in this fork: -jvmArgs replaces the @Fork flags, " +
                    "use -jvmArgsAppend instead");
            }
            if (method.startsWith("sharedHeap"))
            {
                openHeap(method);
            }
            else if (method.startsWith("netty"))
            {
                configureNetty(method);
            }
        }

        private void openHeap(final String method) throws IOException
        {
            directory = ContenderBenchmark.scratchDirectory("structhist-alloc-bench-");
            try
            {
                HeapOptions options = HeapOptions.capacity(HEAP_CAPACITY);
                if (method.equals("sharedHeapPoisonQuarantine"))
                {
                    options = options.poison(true).quarantineBytes(QUARANTINE_BYTES).quarantineSlots(QUARANTINE_SLOTS);
                }
                if (method.equals("sharedHeapHistory"))
                {
                    historyFile = HistoryFile.open(directory.resolve(HISTORY_FILE),
                        FileOptions.defaults().sizeBytes(32L << 20));
                    options = options.history(historyFile.list(HISTORY_LIST));
                }
                else
                {
                    options = options.history(null);
                }
                heap = SharedHeap.open(directory.resolve(HEAP_FILE), options);
                if ((heap.historyList() != null) != method.equals("sharedHeapHistory"))
                {
                    throw new IllegalStateException(method + ": automatic history is " +
                        (heap.historyList() != null ? "on" : "off") + ", not what this variant measures");
                }
                // The trial's check runs inside the last measured iteration: load its classes now, so that
                // only its own few KB are counted there, not their first use.
                heap.summary();
                if (historyFile != null)
                {
                    try (HistoryReader reader = HistoryReader.open(historyFile.path()))
                    {
                        reader.incarnations(reader.list(HISTORY_LIST).orElseThrow());
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                // JMH skips the tear-down when the set-up fails: do not leave the files behind.
                deleteFiles();
                throw ex;
            }
        }

        private static void configureNetty(final String method)
        {
            if (!method.equals("nettyPooled"))
            {
                ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            }
            System.out.println("netty: leak detection " + ResourceLeakDetector.getLevel() +
                ", thread-local cache for all threads " + PooledByteBufAllocator.defaultUseCacheForAllThreads() +
                ", benchmark thread is a FastThreadLocalThread " +
                FastThreadLocalThread.currentThreadHasFastThreadLocal());
        }

        @Override
        void finish() throws IOException
        {
            final String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            try
            {
                if (heap != null)
                {
                    checkHeap(method);
                }
                else if (method.startsWith("nettyPooled"))
                {
                    checkNettyPooled(method);
                }
            }
            finally
            {
                deleteFiles();
            }
        }

        /** Every pair freed what it allocated; with history, the newest incarnation is one alloc + one free. */
        private void checkHeap(final String method)
        {
            final HeapSummary summary = heap.summary();
            final StringBuilder line = new StringBuilder("alloc check: ").append(method).append(" size=")
                .append(size).append(": chunks allocated=").append(summary.allocatedChunks())
                .append(", bytes carved=").append(summary.usedBytes())
                .append(", quarantined bytes=").append(summary.quarantinedBytes());
            final List<String> problems = new ArrayList<>();
            if (summary.allocatedChunks() != 0)
            {
                problems.add(summary.allocatedChunks() + " chunks still allocated after every pair freed its own");
            }
            if (summary.quarantinedBytes() > QUARANTINE_BYTES)
            {
                problems.add("the quarantine holds " + summary.quarantinedBytes() + " bytes, over its budget");
            }
            // After millions of frees a working quarantine is full: to within one chunk of its budget with one
            // thread; two threads trimming at once can each evict one more (the check of the budget and the
            // eviction are two steps), so a chunk or two less. Half the budget catches a quarantine that
            // releases what it should hold back.
            if (method.equals("sharedHeapPoisonQuarantine") && summary.quarantinedBytes() < QUARANTINE_BYTES / 2)
            {
                problems.add("the quarantine holds " + summary.quarantinedBytes() +
                    " bytes of its " + QUARANTINE_BYTES +
                    ": freed chunks are not held back");
            }
            if (historyFile != null)
            {
                try (HistoryReader reader = HistoryReader.open(historyFile.path()))
                {
                    final ListInfo list = reader.list(HISTORY_LIST).orElseThrow();
                    Incarnation newest = null;
                    for (final Incarnation incarnation : reader.incarnations(list))
                    {
                        if (newest == null || incarnation.pushNumber() > newest.pushNumber())
                        {
                            newest = incarnation;
                        }
                    }
                    final StringBuilder verbs = new StringBuilder();
                    boolean valid = newest != null;
                    if (newest != null)
                    {
                        for (final Event event : reader.events(newest))
                        {
                            verbs.append(verbs.length() == 0 ? "" : " ").append(event.verb());
                            valid &= event.status() == EventStatus.VALID;
                        }
                    }
                    line.append("; list 'shm': objects pushed=").append(list.totalPushed())
                        .append(", newest object's events: ").append(verbs).append(valid ? " (valid)" : " (NOT valid)")
                        .append(", stale=").append(list.staleEventsDropped())
                        .append(", refused=").append(list.eventsRefused());
                    final String expected = ShmVerb.SHM_ALLOC.name() + " " + ShmVerb.SHM_FREE.name();
                    if (!valid || !expected.contentEquals(verbs) || list.totalPushed() == 0 ||
                        list.eventsRefused() != 0)
                    {
                        problems.add("the history list does not hold alloc + free for the newest allocation");
                    }
                }
            }
            System.out.println(line);
            if (!problems.isEmpty())
            {
                throw new IllegalStateException(method + ": " + problems);
            }
        }

        /** Nothing left allocated in the arenas; how many allocations reached them (not served by a cache). */
        private void checkNettyPooled(final String method)
        {
            long active = 0;
            long fromArenas = 0;
            for (final PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().directArenas())
            {
                active += arena.numActiveAllocations();
                fromArenas += arena.numAllocations();
            }
            System.out.println("alloc check: " + method + " size=" + size + ": direct arenas' active allocations=" +
                active + " (a thread cache's freed chunks count as active), allocations that reached an arena=" +
                fromArenas);
            // Each thread freed what it allocated; with a thread cache its last chunk waits in that cache.
            if (active > (method.equals("nettyPooledFastThread") ? threads : 0))
            {
                throw new IllegalStateException(method + ": " + active + " pooled buffers still allocated");
            }
        }

        private void deleteFiles() throws IOException
        {
            if (historyFile != null)
            {
                historyFile.close();
            }
            if (directory != null)
            {
                Files.deleteIfExists(directory.resolve(HEAP_FILE));
                Files.deleteIfExists(directory.resolve(HISTORY_FILE));
                Files.deleteIfExists(directory);
                directory = null;
            }
        }
    }

    /** One benchmark thread: what it writes (a field, so not a constant); tells the shared state it is done. */
    @State(Scope.Thread)
    public static class ThreadState
    {
        long value = VALUE;

        /** Each benchmark thread runs on the kind of thread its variant says. */
        @Setup(Level.Trial)
        public void checkThread(final BenchmarkParams params)
        {
            final boolean wantFast = params.getBenchmark().endsWith(".nettyPooledFastThread");
            if (FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals() != wantFast)
            {
                throw new IllegalStateException(params.getBenchmark() + " runs on " + Thread.currentThread() +
                    (wantFast ? ", not on a Netty FastThreadLocalThread: its fork needs -Djmh.executor=CUSTOM " +
                    "-Djmh.executor.class=" + FastThreadExecutor.class.getName() : ", a Netty FastThreadLocalThread"));
            }
        }

        @TearDown(Level.Trial)
        public void done(final Allocators allocators) throws IOException
        {
            allocators.threadDone();
        }
    }

    @Benchmark
    public void sharedHeap(final Allocators allocators, final ThreadState thread)
    {
        pair(allocators.heap, allocators.size, thread.value);
    }

    @Benchmark
    public void sharedHeapPoisonQuarantine(final Allocators allocators, final ThreadState thread)
    {
        pair(allocators.heap, allocators.size, thread.value);
    }

    @Benchmark
    @Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true"})
    public void sharedHeapHistory(final Allocators allocators, final ThreadState thread)
    {
        pair(allocators.heap, allocators.size, thread.value);
    }

    private static void pair(final SharedHeap heap, final int size, final long value)
    {
        final long address = heap.allocate(size);
        heap.putLong(address, value);
        heap.free(address);
    }

    /** No free: the buffer is dropped, and its native memory is reclaimed after a GC, by the cleaner thread. */
    @Benchmark
    public void byteBufferAllocateDirect(final Allocators allocators, final ThreadState thread)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(allocators.size);
        buffer.putLong(0, thread.value);
    }

    /** allocateDirect freed eagerly, by Netty through sun.misc.Unsafe.invokeCleaner. */
    @Benchmark
    public void nettyUnpooledDirect(final Allocators allocators, final ThreadState thread)
    {
        nettyPair(UnpooledByteBufAllocator.DEFAULT.directBuffer(allocators.size), thread.value);
    }

    @Benchmark
    public void nettyPooled(final Allocators allocators, final ThreadState thread)
    {
        nettyPair(PooledByteBufAllocator.DEFAULT.directBuffer(allocators.size), thread.value);
    }

    @Benchmark
    public void nettyPooledNoLeakDetection(final Allocators allocators, final ThreadState thread)
    {
        nettyPair(PooledByteBufAllocator.DEFAULT.directBuffer(allocators.size), thread.value);
    }

    /** On Netty's FastThreadLocalThreads: thread-local cache and buffer recycling, as on an event loop. */
    @Benchmark
    @Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=org.structhist.bench.AllocBenchmark$FastThreadExecutor"})
    public void nettyPooledFastThread(final Allocators allocators, final ThreadState thread)
    {
        nettyPair(PooledByteBufAllocator.DEFAULT.directBuffer(allocators.size), thread.value);
    }

    private static void nettyPair(final ByteBuf buffer, final long value)
    {
        buffer.setLong(0, value);
        buffer.release();
    }

    /**
     * JMH's worker threads as Netty's event-loop threads are: {@link FastThreadLocalThread}s made by Netty's
     * {@link DefaultThreadFactory}, which also clean up their FastThreadLocals (what Netty 4.2's
     * {@code Recycler} requires before it recycles on a thread). JMH makes it when its fork has
     * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=}this class (it needs this constructor).
     */
    public static final class FastThreadExecutor extends ThreadPoolExecutor
    {
        public FastThreadExecutor(final int threads, final String prefix)
        {
            super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
        }
    }
}
