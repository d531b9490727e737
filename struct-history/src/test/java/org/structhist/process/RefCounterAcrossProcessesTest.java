package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.RefCounterHistories;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.process.RefCounterChild.*;

/**
 * Two processes x four threads with {@link org.structhist.RefCounter} on one shared file: whatever order
 * the threads logged in, each object's counts are the walk its CASes made (one UNREF reached 0, each step
 * up has its step down), and each object's history is all its own process's.
 */
class RefCounterAcrossProcessesTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void everyEventCarriesTheCountItsOperationProducedAcrossProcessesAndThreads() throws Exception
    {
        final Path path = dir.resolve("refcounters.hist");
        HistoryFile.open(path, org.structhist.FileOptions.defaults().sizeBytes(64L << 20)).close();
        final Path gate = dir.resolve("start.gate");
        Files.write(gate, new byte[ChildSupport.START_GATE_BYTES]);
        final List<ChildJvm> children = new ArrayList<>();
        final List<Long> pids = new ArrayList<>();
        try
        {
            for (int p = 0; p < PROCESSES; p++)
            {
                children.add(ChildJvm.of(RefCounterChild.class).name("refs-" + p).args(path, gate, p).start());
            }
            for (final ChildJvm child : children)
            {
                child.awaitLine("READY", ChildJvm.STARTUP_TIMEOUT);
            }
            ChildSupport.openStartGate(gate);
            for (final ChildJvm child : children)
            {
                child.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
                child.awaitLine("DONE", ChildJvm.EXIT_TIMEOUT);
                pids.add(child.pid());
            }
        }
        finally
        {
            children.forEach(ChildJvm::close);
        }

        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list(LIST).orElseThrow();
        assertEquals(PROCESSES * OBJECTS, list.totalPushed());
        assertEquals(0, list.staleEventsDropped());
        assertEquals(0, list.foreignHandleClaims());
        for (int p = 0; p < PROCESSES; p++)
        {
            for (int i = 0; i < OBJECTS; i++)
            {
                final List<Incarnation> found = reader.incarnationsOf(address(p, i));
                assertEquals(1, found.size(), "object " + i + " of process " + p);
                final Incarnation incarnation = found.get(0);
                assertEquals(0, incarnation.claimedRefDelta(), "its REFs and UNREFs sum to 0");
                final List<Event> events = reader.events(incarnation);
                RefCounterHistories.assertConsistent(events, THREADS * ROUNDS);
                final Set<Integer> writers = new HashSet<>();
                final Set<Integer> threads = new HashSet<>();
                for (final Event event : events)
                {
                    writers.add(event.pid());
                    threads.add(event.threadId());
                }
                assertEquals(Set.of((int)(long)pids.get(p)), writers, "only its own process logged to it");
                assertTrue(threads.size() >= THREADS, "its " + THREADS + " threads and its creator logged: " + threads);
            }
        }
    }
}
