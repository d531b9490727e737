package org.structhist.process;

import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Child of {@link KillNineTortureTest}: {@code FILE ROUND SHARED_HANDLE_0 SHARED_HANDLE_1}. Attaches to
 * the file, starts {@link #THREADS} threads that log as fast as they can until the process is killed,
 * prints {@code READY} once every thread has logged to its own object and to both shared objects.
 * <p>
 * Thread {@code t} alone pushes to list {@link #OWN_LIST_PREFIX}{@code t} and alone logs to the object
 * it pushed last, so an own object's history has one writer: event {@code (tag, seq, i)} must sit at
 * position {@code i}, and {@code seq} counts that thread's own-object events without a gap. Objects
 * have from {@link #MIN_OBJECT_EVENTS} to {@link #MAX_OBJECT_EVENTS} events, some fewer than the list
 * keeps and some more (the ring wraps), and the small window makes pushes wrap round it too.
 * <p>
 * Every {@link #SHARED_EVERY}th event also goes to one of the two shared objects the test JVM pushed,
 * alternately, as {@code (tag, seqOnThatObject)}, up to {@link #SHARED_CAP} per object: both threads,
 * and every round's process, log there.
 */
public final class KillChild
{
    static final int THREADS = 2;
    static final String OWN_LIST_PREFIX = "torture own ";
    static final ListOptions OWN_OPTIONS = ListOptions.window(3).eventsPerObject(32).pinnedFirst(4);
    static final String SHARED_LIST = "torture shared";
    static final int SHARED_OBJECTS = 2;
    static final ListOptions SHARED_OPTIONS =
        ListOptions.window(SHARED_OBJECTS).eventsPerObject(1 << 15).pinnedFirst(16);
    /**
     * Most events one thread of one process logs to one shared object. With every thread under it, one
     * process claims at most the ring's size on an object, so two writers alive at once never claim
     * positions that share a record. Were that possible, a writer stalled between its claim and its
     * commit could overwrite a newer event in the same record: a loss the design accepts (and a
     * checksum mismatch, if the two writes mix), which would make the gap-free check unsound. The ring
     * still wraps across rounds. At full speed a thread reaches the cap after some 100 ms, so many
     * kills land while shared events are still being written.
     */
    static final int SHARED_CAP =
        (SHARED_OPTIONS.eventsPerObject() - SHARED_OPTIONS.pinnedFirst()) / THREADS;
    static final int SHARED_EVERY = 8;
    static final int MIN_OBJECT_EVENTS = 1;
    static final int MAX_OBJECT_EVENTS = 300;
    static final String OWN_FORMAT = "tag %x own seq %d at %d";
    static final String SHARED_FORMAT = "tag %x shared seq %d";

    private KillChild()
    {
    }

    /** The tag in every event: which round's process and which of its threads wrote it. */
    static long tag(final int round, final int thread)
    {
        return ((long)round << 8) | thread;
    }

    static int threadOfTag(final long tag)
    {
        return (int)(tag & 0xFF);
    }

    static int roundOfTag(final long tag)
    {
        return (int)(tag >>> 8);
    }

    /** Events the thread logs to its {@code pushes}-th object: spread over both sides of Events Per Object. */
    static int objectEvents(final long pushes)
    {
        return MIN_OBJECT_EVENTS + (int)((pushes * 7919) % (MAX_OBJECT_EVENTS - MIN_OBJECT_EVENTS + 1));
    }

    public static void main(final String[] args) throws Exception
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[0]));
        final int round = Integer.parseInt(args[1]);
        final HistoryList shared = file.list(SHARED_LIST, SHARED_OPTIONS);
        final long[] sharedHandles = new long[SHARED_OBJECTS];
        for (int k = 0; k < SHARED_OBJECTS; k++)
        {
            sharedHandles[k] = Long.parseUnsignedLong(args[2 + k], 16);
        }
        final CountDownLatch started = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++)
        {
            final HistoryList own = file.list(OWN_LIST_PREFIX + t, OWN_OPTIONS);
            final long tag = tag(round, t);
            final Thread thread = new Thread(() -> logForever(own, shared, sharedHandles, tag, started), "writer-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        started.await();
        ChildSupport.println("READY");
        // Logging goes on until SIGKILL; the watchdog ends the process if the test JVM goes away.
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void logForever(
        final HistoryList own,
        final HistoryList shared,
        final long[] sharedHandles,
        final long tag,
        final CountDownLatch started)
    {
        final long[] sharedSeq = new long[SHARED_OBJECTS];
        long ownSeq = 0;
        long sharedTick = 0;
        long pushes = 0;
        boolean announced = false;
        while (true)
        {
            final long handle = own.pushHandle((tag << 32) | (pushes & 0xFFFF_FFFFL));
            final int events = objectEvents(pushes++);
            for (int i = 0; i < events; i++)
            {
                own.log(handle, ChildVerb.WRITE, OWN_FORMAT, tag, ownSeq++, i);
                if (++sharedTick % SHARED_EVERY == 0)
                {
                    final int k = (int)((sharedTick / SHARED_EVERY) % SHARED_OBJECTS);
                    if (sharedSeq[k] < SHARED_CAP)
                    {
                        shared.log(sharedHandles[k], ChildVerb.WRITE, SHARED_FORMAT, tag, sharedSeq[k]++);
                    }
                }
            }
            if (!announced && sharedTick >= (long)SHARED_EVERY * SHARED_OBJECTS)
            {
                announced = true;
                started.countDown();
            }
        }
    }
}
