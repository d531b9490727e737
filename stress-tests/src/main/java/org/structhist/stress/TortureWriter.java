package org.structhist.stress;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One writer process of {@link KillTorture}: {@code FILE WRITER RESTART THREADS}. Attaches to the file
 * (its first process creates it), starts THREADS threads that log as fast as they can until the process
 * is killed, and prints {@code READY} once every thread has logged.
 * <p>
 * Thread {@code t} alone pushes to and logs to its own list {@code own W.t}, one object at a time, each
 * object getting exactly {@link #objectEvents} events {@code (tag, seq, address)}: {@code seq} counts the
 * thread's own events from 0 without a gap, so a reader can tell a lost event from one in flight. The
 * list keeps more events per object than any object gets, so nothing is dropped by the ring.
 * <p>
 * Every thread of every writer also pushes objects onto one small shared list and logs
 * {@code (tag, seq, address)} through the handles of its last few shared objects, most of which the
 * window has already taken from it: stale handles racing pushes of other processes. Such an event may
 * land in its own incarnation or be refused, never in another's: its address says whose it is.
 */
public final class TortureWriter
{
    static final String SHARED_LIST = "shared";
    static final ListOptions OWN_OPTIONS = ListOptions.window(32).eventsPerObject(64).pinnedFirst(4);
    static final ListOptions SHARED_OPTIONS = ListOptions.window(16).eventsPerObject(32).pinnedFirst(4);
    static final String OWN_FORMAT = "tag %x seq %d obj %x";
    static final String SHARED_FORMAT = "tag %x shared %d obj %x";
    static final int MAX_OBJECT_EVENTS = 60;
    static final int SHARED_HANDLES_KEPT = 6;
    static final int SHARED_EVERY = 4;
    static final int SHARED_PUSH_EVERY = 16;
    static final long FILE_BYTES = 32L << 20;

    private TortureWriter()
    {
    }

    static String ownList(final int writer, final int thread)
    {
        return "own " + writer + "." + thread;
    }

    /** Which writer slot, which restart of it, which thread: in every event, and in every address. */
    static long tag(final int writer, final int restart, final int thread)
    {
        return ((long)writer << 24) | ((long)(restart & 0xFFFF) << 8) | thread;
    }

    static int writerOf(final long tag)
    {
        return (int)(tag >>> 24);
    }

    static int restartOf(final long tag)
    {
        return (int)((tag >>> 8) & 0xFFFF);
    }

    static int threadOf(final long tag)
    {
        return (int)(tag & 0xFF);
    }

    static long address(final long tag, final long counter)
    {
        return (tag << 32) | (counter & 0xFFFF_FFFFL);
    }

    /** Events a thread logs to its {@code counter}-th own object: 1 to 60, spread. */
    static int objectEvents(final long counter)
    {
        return 1 + (int)((counter * 7919) % MAX_OBJECT_EVENTS);
    }

    static HistoryFile open(final String path)
    {
        return HistoryFile.open(Paths.get(path), FileOptions.defaults().sizeBytes(FILE_BYTES));
    }

    public static void main(final String[] args) throws Exception
    {
        startWatchdog();
        final HistoryFile file = open(args[0]);
        final int writer = Integer.parseInt(args[1]);
        final int restart = Integer.parseInt(args[2]);
        final int threads = Integer.parseInt(args[3]);
        final HistoryList shared = file.list(SHARED_LIST, SHARED_OPTIONS);
        final CountDownLatch started = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++)
        {
            final HistoryList own = file.list(ownList(writer, t), OWN_OPTIONS);
            final long tag = tag(writer, restart, t);
            final Thread thread =
                new Thread(() -> logForever(own, shared, tag, started), "torture-" + writer + "." + t);
            thread.setDaemon(true);
            thread.start();
        }
        started.await();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void logForever(
        final HistoryList own, final HistoryList shared, final long tag, final CountDownLatch started)
    {
        final long[] sharedHandles = new long[SHARED_HANDLES_KEPT];
        final long[] sharedAddresses = new long[SHARED_HANDLES_KEPT];
        long seq = 0;
        long sharedSeq = 0;
        long objects = 0;
        long sharedObjects = 0;
        boolean announced = false;
        while (true)
        {
            final long address = address(tag, objects);
            final long handle = own.pushHandle(address);
            final int events = objectEvents(objects++);
            for (int i = 0; i < events; i++)
            {
                own.log(handle, StressVerb.WRITE, OWN_FORMAT, tag, seq++, address);
                if (seq % SHARED_PUSH_EVERY == 1)
                {
                    final int k = (int)(sharedObjects % SHARED_HANDLES_KEPT);
                    sharedAddresses[k] = address(tag, 0x8000_0000L | sharedObjects++);
                    sharedHandles[k] = shared.pushHandle(sharedAddresses[k]);
                }
                if (seq % SHARED_EVERY == 0)
                {
                    // Mostly stale: the shared window is far smaller than the handles all threads keep.
                    final int k = ThreadLocalRandom.current()
                        .nextInt((int)Math.min(sharedObjects, SHARED_HANDLES_KEPT));
                    shared.log(sharedHandles[k], StressVerb.STALE, SHARED_FORMAT, tag, sharedSeq++, sharedAddresses[k]);
                }
            }
            if (!announced)
            {
                announced = true;
                started.countDown();
            }
        }
    }

    /** Ends this process when its parent goes away (stdin closes): a dead harness leaves no writer behind. */
    private static void startWatchdog()
    {
        final Thread watchdog = new Thread(() ->
        {
            final InputStream in = System.in;
            try
            {
                while (in.read() >= 0)
                {
                    // Nothing is sent; only the end of the stream counts.
                }
            }
            catch (final IOException ignore)
            {
                // A broken pipe means the same: the parent is gone.
            }
            Runtime.getRuntime().halt(86);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
