package org.structhist.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Netty: one {@code touch(hint)} on a ByteBuf tracked by Netty's ResourceLeakDetector at PARANOID;
 * {@code *SameObject} shares one tracked buffer, {@code *OwnObject} one each.
 * <p>
 * One contender of {@link ContenderBenchmark}, which holds the run settings, the event fields and what
 * the contenders share; JMH names its benchmarks {@code NettyContenderBenchmark.*}, so the regex
 * {@code ContenderBenchmark} still selects them all.
 */
public class NettyContenderBenchmark extends ContenderBenchmark
{
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
}
