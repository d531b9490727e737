package org.structhist.bench;

import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agrona: {@link ManyToOneRingBuffer#write} of the same 48 bytes, drained in the writing thread
 * (see {@link AgronaRing}); {@code *SameObject} shares one ring, {@code *OwnObject} gives each thread its own.
 * <p>
 * One contender of {@link ContenderBenchmark}, which holds the run settings, the event fields and what
 * the contenders share; JMH names its benchmarks {@code AgronaContenderBenchmark.*}, so the regex
 * {@code ContenderBenchmark} still selects them all.
 */
public class AgronaContenderBenchmark extends ContenderBenchmark
{
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
}
