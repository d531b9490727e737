package org.structhist.process;

import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.RefCounter;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.concurrent.CyclicBarrier;

/**
 * Child of {@link RefCounterAcrossProcessesTest}: {@code FILE GATE PROCESS_INDEX} makes {@link #OBJECTS}
 * {@link RefCounter}s in the shared list, prints {@code READY}, waits for the start gate, then runs
 * {@link #THREADS} threads that each take and drop a reference on every object {@link #ROUNDS} times;
 * finally drops each creator's reference (DESTROY) and prints {@code DONE}.
 */
public final class RefCounterChild
{
    static final String LIST = "ref counters";
    static final int PROCESSES = 2;
    static final int OBJECTS = 4;
    static final int THREADS = 4;
    static final int ROUNDS = 1_000;
    static final ListOptions OPTIONS =
        ListOptions.window(PROCESSES * OBJECTS).eventsPerObject(2 * THREADS * ROUNDS + 8).pinnedFirst(4);
    static final long ADDRESS_BASE = 0x5eed_0000L;

    private RefCounterChild()
    {
    }

    static long address(final int process, final int object)
    {
        return ADDRESS_BASE + process * 0x100L + object * 0x10L;
    }

    public static void main(final String[] args) throws IOException, InterruptedException
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[0]));
        final HistoryList list = file.list(LIST, OPTIONS);
        final int process = Integer.parseInt(args[2]);
        final RefCounter[] objects = new RefCounter[OBJECTS];
        for (int i = 0; i < OBJECTS; i++)
        {
            objects[i] = new RefCounter(list, address(process, i), "created");
        }
        ChildSupport.println("READY");
        ChildSupport.awaitStartGate(Paths.get(args[1]));
        final CyclicBarrier together = new CyclicBarrier(THREADS);
        final Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++)
        {
            threads[t] = new Thread(() ->
            {
                try
                {
                    together.await();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                for (int round = 0; round < ROUNDS; round++)
                {
                    for (final RefCounter object : objects)
                    {
                        object.ref("take");
                    }
                    for (final RefCounter object : objects)
                    {
                        object.unref("drop");
                    }
                }
            }, "refs-" + process + "-" + t);
            threads[t].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        for (final RefCounter object : objects)
        {
            if (!object.unref("creator done"))
            {
                throw new IllegalStateException("the creator's unref did not reach 0: " + object);
            }
        }
        file.close();
        ChildSupport.println("DONE");
    }
}
