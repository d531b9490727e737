package org.structhist.internal;

import org.agrona.concurrent.CachedNanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread structhist starts per open file: it refreshes the coarse clock every
 * resolution period (only once a list with a coarse clock exists; until then it wakes once a second)
 * and writes this process's heartbeat into the writer registry once a second. Every
 * {@link #LENGTH_CHECK_PERIOD_NANOS} it also checks that the file has not shrunk under the mapping; if
 * it has, it calls its {@code onShrink} once and stops writing the heartbeat (a store past the file's end
 * would raise SIGBUS in this thread).
 */
public final class Ticker implements Runnable
{
    private static final long HEARTBEAT_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The window in which a truncation can still reach a writer as SIGBUS: one fstat per period. */
    public static final long LENGTH_CHECK_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final CachedNanoClock coarseClock = new CachedNanoClock();
    private final WriterRegistry registry;
    private final long resolutionNanos;
    private final LengthWatch lengthWatch;
    private final Runnable onShrink;
    private final Thread thread;
    private volatile boolean coarseClockInUse;
    private volatile boolean running = true;

    public Ticker(
        final WriterRegistry registry,
        final long resolutionNanos,
        final String fileName,
        final LengthWatch lengthWatch,
        final Runnable onShrink)
    {
        this.registry = registry;
        this.resolutionNanos = resolutionNanos;
        this.lengthWatch = lengthWatch;
        this.onShrink = onShrink;
        this.coarseClock.update(System.nanoTime());
        this.thread = new Thread(this, "structhist-ticker " + fileName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The clock {@link #coarseNanoTime} reads: writers hold it, so an event's time is one field read away. */
    public CachedNanoClock coarseClock()
    {
        return coarseClock;
    }

    /** The cached time: at most one resolution period behind {@code System.nanoTime()}. */
    public long coarseNanoTime()
    {
        return coarseClock.nanoTime();
    }

    /** Starts ticking at the coarse resolution; the clock is brought up to date before it returns. */
    public void useCoarseClock()
    {
        coarseClock.update(System.nanoTime());
        if (!coarseClockInUse)
        {
            coarseClockInUse = true;
            LockSupport.unpark(thread);
        }
    }

    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
    }

    @Override
    public void run()
    {
        long lastHeartbeat = System.nanoTime();
        long lastLengthCheck = lastHeartbeat - LENGTH_CHECK_PERIOD_NANOS;
        boolean shrank = false;
        while (running)
        {
            final long now = System.nanoTime();
            coarseClock.update(now);
            // once per period, not per wake: with a coarse clock of 1 ms this thread wakes a thousand times
            // a second, and an fstat each time is CPU taken from the application on a small machine
            if (!shrank && now - lastLengthCheck >= LENGTH_CHECK_PERIOD_NANOS)
            {
                lastLengthCheck = now;
                if (lengthWatch.shrank())
                {
                    shrank = true;
                    onShrink.run();
                }
            }
            if (!shrank && now - lastHeartbeat >= HEARTBEAT_PERIOD_NANOS)
            {
                registry.heartbeat(System.currentTimeMillis());
                lastHeartbeat = now;
            }
            LockSupport.parkNanos(Math.min(coarseClockInUse ? resolutionNanos : HEARTBEAT_PERIOD_NANOS,
                LENGTH_CHECK_PERIOD_NANOS));
        }
        lengthWatch.close(); // the file's last user of it: survive() after close finds it closed and rethrows
    }
}
