package org.structhist.process;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Child of {@link ContendedRefcountAcrossProcessesTest}: {@code FILE COUNTS GATE RUNS THREADS MODE}. For each
 * run, every thread waits for the object the parent publishes in COUNTS, then does what every user
 * writes: {@code int r = refs.incrementAndGet(); sh.log(REF, "ref (%d)", r);}, a use, {@code int r =
 * refs.decrementAndGet(); sh.log(UNREF, "unref (%d)", r);} and, whoever reaches 0, DESTROY. The count is
 * an int in COUNTS, shared by every process; nothing orders the logs but the threads themselves. MODE
 * {@code message}: the count is only in the message; {@code counts}: it is also the event's count field
 * ({@code History.log(verb, count, format, ...)}, called through {@link CountLog} so that these tests
 * compile before that method exists).
 */
public final class ContendedRefcountChild
{
    /** Per run in COUNTS: the count (int), threads that took their reference (int), the handle (long). */
    static final int RUN_BYTES = 16;
    static final int COUNT_OFFSET = 0;
    static final int ARRIVED_OFFSET = 4;
    static final int HANDLE_OFFSET = 8;
    static final String LIST = "contended";

    private ContendedRefcountChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[0]));
        final UnsafeBuffer shared = map(Paths.get(args[1]));
        final int runs = Integer.parseInt(args[3]);
        final int threads = Integer.parseInt(args[4]);
        final boolean counts = "counts".equals(args[5]);
        final HistoryList list = file.list(LIST, ContendedRefcountAcrossProcessesTest.OPTIONS);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread worker = new Thread(() -> work(list, shared, runs, counts), "contender-" + t);
            workers.add(worker);
        }
        ChildSupport.println("READY");
        ChildSupport.awaitStartGate(Paths.get(args[2]));
        workers.forEach(Thread::start);
        for (final Thread worker : workers)
        {
            worker.join();
        }
        file.close();
        ChildSupport.println("DONE");
    }

    private static void work(final HistoryList list, final UnsafeBuffer shared, final int runs, final boolean counts)
    {
        for (int run = 0; run < runs; run++)
        {
            final int base = run * RUN_BYTES;
            long handle;
            while ((handle = shared.getLongVolatile(base + HANDLE_OFFSET)) == 0)
            {
                LockSupport.parkNanos(10_000);
            }
            final History sh = list.history(handle);
            int r = shared.getAndAddInt(base + COUNT_OFFSET, 1) + 1;
            log(sh, AuditVerb.REF, counts, r, "ref (%d)");
            shared.getAndAddInt(base + ARRIVED_OFFSET, 1);
            sh.log(AuditVerb.USE, "use");
            r = shared.getAndAddInt(base + COUNT_OFFSET, -1) - 1;
            log(sh, AuditVerb.UNREF, counts, r, "unref (%d)");
            if (r == 0)
            {
                log(sh, AuditVerb.DESTROY, counts, 0, "free (%d)");
            }
        }
    }

    /** Logs {@code r} in the message, and as the event's count when {@code counts}. */
    static void log(final History sh, final AuditVerb verb, final boolean counts, final int r, final String format)
    {
        if (counts)
        {
            CountLog.log(sh, verb, r, format, r);
        }
        else
        {
            sh.log(verb, format, r);
        }
    }

    static UnsafeBuffer map(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            return new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
        }
    }
}
