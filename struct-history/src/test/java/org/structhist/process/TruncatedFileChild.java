package org.structhist.process;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer whose history file the test truncates under it: {@code MODE FILE}.
 * <ul>
 * <li>{@code idle}: logs a little, prints READY, then touches nothing until the ticker has noticed the
 * truncation ({@code HistoryFile.isDetached}, at most 20 s), then pushes and logs 1000 times more and
 * prints {@code SURVIVED refused=N detached=true} and exits 0; or {@code NOT_DETACHED} and exits 1.</li>
 * <li>{@code busy}: two threads push and log without pause; READY once they run. The file is cut while
 * they do: they stop at the first Throwable or once detached (at most 20 s), and the child prints
 * {@code OUTCOME detached=B refused=N errors=TYPE...} and exits 0, unless SIGBUS kills it first.</li>
 * </ul>
 */
public final class TruncatedFileChild
{
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private TruncatedFileChild()
    {
    }

    public static void main(final String[] args)
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[1]), FileOptions.defaults().sizeBytes(4L << 20));
        final HistoryList list = file.list("victim", ListOptions.window(64).eventsPerObject(16));
        for (int i = 0; i < 100; i++)
        {
            list.log(list.pushHandle(i), ChildVerb.WRITE, "before the cut %d", i);
        }
        if ("idle".equals(args[0]))
        {
            idle(file, list);
        }
        else
        {
            busy(file, list);
        }
    }

    private static void idle(final HistoryFile file, final HistoryList list)
    {
        ChildSupport.println("READY");
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (!file.isDetached() && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        if (!file.isDetached())
        {
            ChildSupport.println("NOT_DETACHED");
            System.exit(1);
        }
        for (int i = 0; i < 1000; i++)
        {
            final long handle = list.pushHandle(i);
            list.log(handle, ChildVerb.WRITE, "after the cut %d", i);
            list.unref(handle);
        }
        ChildSupport.println("SURVIVED refused=" + list.writesRefused() + " detached=" + file.isDetached());
        System.exit(0);
    }

    private static void busy(final HistoryFile file, final HistoryList list)
    {
        final AtomicReference<String> errors = new AtomicReference<>("");
        final AtomicLong logged = new AtomicLong();
        final long deadline = System.nanoTime() + WAIT_NANOS;
        final Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++)
        {
            threads[t] = new Thread(() ->
            {
                try
                {
                    long i = 0;
                    while (!file.isDetached() && System.nanoTime() - deadline < 0)
                    {
                        final long handle = list.pushHandle(i);
                        list.log(handle, ChildVerb.WRITE, "while cut %d", i++);
                        logged.incrementAndGet();
                    }
                }
                catch (final Throwable ex)
                {
                    errors.accumulateAndGet(ex.getClass().getSimpleName(), (a, b) -> a + " " + b);
                }
            }, "busy-" + t);
            threads[t].start();
        }
        while (logged.get() < 10_000)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        ChildSupport.println("READY");
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        ChildSupport.println("OUTCOME detached=" + file.isDetached() + " refused=" + list.writesRefused() +
            " errors=" + errors.get().trim());
        System.exit(0);
    }
}
