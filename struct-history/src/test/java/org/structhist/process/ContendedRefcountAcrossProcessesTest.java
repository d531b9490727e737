package org.structhist.process;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.FileOptions;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.audit.RefcountReplay;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.structhist.process.ContendedRefcountChild.ARRIVED_OFFSET;
import static org.structhist.process.ContendedRefcountChild.COUNT_OFFSET;
import static org.structhist.process.ContendedRefcountChild.HANDLE_OFFSET;
import static org.structhist.process.ContendedRefcountChild.RUN_BYTES;

/**
 * Correct code under real contention, the pattern every user writes with the count passed in the
 * message only: 2 child JVMs x 4 threads take, use and drop a reference to each of 100 objects while
 * the test JVM holds the birth reference and drops it once all have theirs; whoever reaches zero logs
 * DESTROY. Log order is not operation order here ("unref (0)" can be logged before "unref (1)"); the
 * audit must still find nothing in any of the 100 histories.
 */
class ContendedRefcountAcrossProcessesTest
{
    static final ListOptions OPTIONS = ListOptions.window(128).eventsPerObject(32).pinnedFirst(8);
    private static final int RUNS = 100;
    private static final int CHILDREN = 2;
    private static final int THREADS = 4;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void twoProcessesOfFourThreadsLeaveNoAnomalyInAHundredRuns() throws Exception
    {
        run(false);
    }

    /** The same with the count each operation produced in the event's count field: judged by counts. */
    @Test
    @Timeout(180)
    void theSameWithCountsInTheEvents() throws Exception
    {
        Assumptions.assumeTrue(CountLog.available(), "History.log(verb, count, ...) is not in this library yet");
        run(true);
    }

    private void run(final boolean counts) throws Exception
    {
        final Path path = dir.resolve("contended.hist");
        final Path countsPath = dir.resolve("counts");
        Files.write(countsPath, new byte[RUNS * RUN_BYTES]);
        final Path gate = dir.resolve("gate");
        Files.write(gate, new byte[ChildSupport.START_GATE_BYTES]);
        final UnsafeBuffer shared = ContendedRefcountChild.map(countsPath);
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(16L << 20));
        final List<ChildJvm> children = new ArrayList<>();
        try
        {
            final HistoryList list = file.list(ContendedRefcountChild.LIST, OPTIONS);
            for (int c = 0; c < CHILDREN; c++)
            {
                children.add(ChildJvm.of(ContendedRefcountChild.class).name("contender-" + c)
                    .args(path, countsPath, gate, RUNS, THREADS, counts ? "counts" : "message").start());
            }
            for (final ChildJvm child : children)
            {
                child.awaitLine("READY", ChildJvm.STARTUP_TIMEOUT);
            }
            ChildSupport.openStartGate(gate);
            for (int run = 0; run < RUNS; run++)
            {
                final int base = run * RUN_BYTES;
                final History sh = list.push(0x5000 + run * 64L);
                shared.putIntVolatile(base + COUNT_OFFSET, 1);
                ContendedRefcountChild.log(sh, AuditVerb.REF, counts, 1, "create (%d)");
                shared.putLongVolatile(base + HANDLE_OFFSET, sh.handle());
                // The birth reference is dropped once every contender holds its own: correct code.
                while (shared.getIntVolatile(base + ARRIVED_OFFSET) < CHILDREN * THREADS)
                {
                    LockSupport.parkNanos(10_000);
                }
                final int r = shared.getAndAddInt(base + COUNT_OFFSET, -1) - 1;
                ContendedRefcountChild.log(sh, AuditVerb.UNREF, counts, r, "release (%d)");
                if (r == 0)
                {
                    ContendedRefcountChild.log(sh, AuditVerb.DESTROY, counts, 0, "free (%d)");
                }
            }
            for (final ChildJvm child : children)
            {
                child.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
            }
        }
        finally
        {
            children.forEach(ChildJvm::close);
            file.close();
        }

        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list(ContendedRefcountChild.LIST).orElseThrow();
        final List<AuditedHistory> audited = new HistoryAudit(reader).auditList(list);
        assertEquals(RUNS, audited.size());
        final List<String> found = new ArrayList<>();
        int inverted = 0;
        for (final AuditedHistory history : audited)
        {
            assertEquals(1 + CHILDREN * THREADS * 3 + 2, history.events().size(), "every event of the run kept");
            assertEquals(counts, history.events().stream().filter(e -> e.effect() != org.structhist.Effect.NONE)
                .allMatch(Event::hasCount), "counts logged");
            history.anomalies().forEach(a -> found.add(Long.toHexString(history.incarnation().address()) + " " +
                a.culpritLine()));
            inverted += logOrderSaysWrong(history.events()) ? 1 : 0;
        }
        // How often log order alone would have made a correct object look broken (the old audit's false alarms).
        System.out.println("ContendedRefcountAcrossProcessesTest (" +
            (counts ? "counts" : "message") + "): " + inverted +
            " of " + RUNS +
            " histories have their log order inverted");
        assertEquals(List.of(), found, "correct code flagged");
    }

    /** Whether replaying the events in log order sees an impossible history. */
    static boolean logOrderSaysWrong(final List<Event> events)
    {
        long refs = 0;
        boolean destroyed = false;
        for (final Event e : events)
        {
            if (destroyed || refs + RefcountReplay.delta(e.effect()) < 0 ||
                (e.effect() == org.structhist.Effect.DESTROY && refs > 0))
            {
                return true;
            }
            refs += RefcountReplay.delta(e.effect());
            destroyed = e.effect() == org.structhist.Effect.DESTROY;
        }
        return false;
    }
}
