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
 * Child of {@link ContendedRefcountAcrossProcessesTest}: {@code FILE COUNTS GATE RUNS THREADS}. For each
 * run, every thread waits for the object the parent publishes in COUNTS, then does what every user
 * writes: {@code int r = refs.incrementAndGet(); sh.log(REF, "ref (%d)", r);}, a use, {@code int r =
 * refs.decrementAndGet(); sh.log(UNREF, "unref (%d)", r);} and, whoever reaches 0, DESTROY. The count is
 * an int in COUNTS, shared by every process; nothing orders the logs but the threads themselves.
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
        final UnsafeBuffer counts = map(Paths.get(args[1]));
        final int runs = Integer.parseInt(args[3]);
        final int threads = Integer.parseInt(args[4]);
        final HistoryList list = file.list(LIST, ContendedRefcountAcrossProcessesTest.OPTIONS);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread worker = new Thread(() -> work(list, counts, runs), "contender-" + t);
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

    private static void work(final HistoryList list, final UnsafeBuffer counts, final int runs)
    {
        for (int run = 0; run < runs; run++)
        {
            final int base = run * RUN_BYTES;
            long handle;
            while ((handle = counts.getLongVolatile(base + HANDLE_OFFSET)) == 0)
            {
                LockSupport.parkNanos(10_000);
            }
            final History sh = list.history(handle);
            int r = counts.getAndAddInt(base + COUNT_OFFSET, 1) + 1;
            sh.log(AuditVerb.REF, "ref (%d)", r);
            counts.getAndAddInt(base + ARRIVED_OFFSET, 1);
            sh.log(AuditVerb.USE, "use");
            r = counts.getAndAddInt(base + COUNT_OFFSET, -1) - 1;
            sh.log(AuditVerb.UNREF, "unref (%d)", r);
            if (r == 0)
            {
                sh.log(AuditVerb.DESTROY, "free");
            }
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
