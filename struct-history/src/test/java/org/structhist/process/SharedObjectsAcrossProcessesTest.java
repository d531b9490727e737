package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;
import org.structhist.testsupport.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.structhist.process.SharedObjectsChild.*;

/**
 * Invariant 3 (many writers, no locks) across processes: one process pushes objects, two other JVMs
 * log to all of them at once through the handles alone. Every event of both writers must be there,
 * committed, each writer's events in the order it logged them, none twice, none missing.
 */
class SharedObjectsAcrossProcessesTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void twoJvmsLogToTheSameObjectsThroughHandles() throws IOException
    {
        final Path path = dir.resolve("shared.hist");
        // The test JVM creates the file and the list: the children attach to both.
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(24L << 20));
        try
        {
            file.list(LIST, OPTIONS);
            run(path);
        }
        finally
        {
            file.close();
        }
    }

    private void run(final Path path) throws IOException
    {
        final long[] handles = new long[OBJECTS];
        final long pusherPid;
        try (ChildJvm pusher = ChildJvm.of(SharedObjectsChild.class).name("pusher").args("push", path).start())
        {
            pusher.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
            pusherPid = pusher.pid();
            final List<String> lines = pusher.linesStartingWith("HANDLE ");
            assertEquals(OBJECTS, lines.size(), () -> "handles printed\n" + pusher.describe());
            for (final String line : lines)
            {
                final String[] parts = line.split(" ");
                handles[Integer.parseInt(parts[1])] = Long.parseUnsignedLong(parts[2], 16);
            }
        }

        final Path gate = dir.resolve("start.gate");
        Files.write(gate, new byte[ChildSupport.START_GATE_BYTES]);
        final Map<Long, Long> pidOfWriter = new HashMap<>();
        final long overlapMicros;
        final List<ChildJvm> writers = new ArrayList<>();
        try
        {
            for (int w = 1; w <= WRITERS; w++)
            {
                final List<Object> args = new ArrayList<>(List.of("log", path, gate, w));
                for (final long handle : handles)
                {
                    args.add(Long.toHexString(handle));
                }
                writers.add(ChildJvm.of(SharedObjectsChild.class).name("writer-" + w).args(args.toArray()).start());
            }
            // Both attach and warm up first, then start together, so their events really interleave.
            for (final ChildJvm writer : writers)
            {
                writer.awaitLine("READY", ChildJvm.STARTUP_TIMEOUT);
            }
            ChildSupport.openStartGate(gate);
            long latestStart = Long.MIN_VALUE;
            long earliestEnd = Long.MAX_VALUE;
            for (int w = 1; w <= WRITERS; w++)
            {
                final ChildJvm writer = writers.get(w - 1);
                writer.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
                final String[] ran = writer.awaitLine("RAN ", ChildJvm.EXIT_TIMEOUT).split(" ");
                writer.awaitLine("DONE", ChildJvm.EXIT_TIMEOUT);
                latestStart = Math.max(latestStart, Long.parseLong(ran[1]));
                earliestEnd = Math.min(earliestEnd, Long.parseLong(ran[2]));
                pidOfWriter.put((long)w, writer.pid());
            }
            overlapMicros = (earliestEnd - latestStart) / 1000;
        }
        finally
        {
            writers.forEach(ChildJvm::close);
        }

        verify(path, handles, pusherPid, pidOfWriter, overlapMicros);
    }

    private static void verify(final Path path, final long[] handles, final long pusherPid,
        final Map<Long, Long> pidOfWriter, final long overlapMicros)
    {
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list(LIST).orElseThrow(() -> new AssertionError("list '" + LIST + "' missing"));
        assertEquals(OBJECTS, list.totalPushed(), "objects pushed");
        assertEquals(0, list.staleEventsDropped(), "no handle was stale");
        assertEquals(0, list.eventsRefused(), "no object was full");

        long interleavings = 0;
        for (int i = 0; i < OBJECTS; i++)
        {
            final int object = i;
            final Incarnation incarnation = reader.incarnation(handles[i])
                .orElseThrow(() -> new AssertionError("object " + object + " is not in the window"));
            assertTrue(incarnation.headerValid(), "header of object " + i);
            assertEquals(pusherPid, incarnation.creatorPid(), "creator of object " + i);
            assertEquals(ADDRESS_BASE + i * ADDRESS_STRIDE, incarnation.address(), "address of object " + i);
            assertEquals((long)WRITERS * EVENTS_PER_WRITER, incarnation.eventCount(),
                "positions claimed on object " + i);
            assertEquals(0, incarnation.droppedEvents(), "events dropped from object " + i);

            final List<Event> events = reader.events(incarnation);
            assertEquals(WRITERS * EVENTS_PER_WRITER, events.size(), "events kept on object " + i);
            final long[] nextSeq = new long[WRITERS + 1];
            long previousWriter = -1;
            for (int p = 0; p < events.size(); p++)
            {
                final Event event = events.get(p);
                // Built only when a check fails: there are 200 000 events.
                final Supplier<String> where = () -> "object " + object + " position " + event.position() + ": " +
                    EventText.of(event);
                assertEquals(p, event.position(), where);
                assertEquals(EventStatus.VALID, event.status(), where);
                assertEquals(ChildVerb.WRITE.name(), event.verb(), where);
                assertEquals(FORMAT, event.format(), where);
                assertEquals(3, event.args().length, where);
                final long writer = event.args()[0];
                final long seq = event.args()[1];
                assertTrue(writer >= 1 && writer <= WRITERS, () -> "writer id, " + where.get());
                assertEquals(pidOfWriter.get(writer).longValue(), event.pid(),
                    () -> "pid of writer " + writer + ", " + where.get());
                assertEquals(i, event.args()[2], () -> "object index in the event, " + where.get());
                // Consecutive per writer: in order (per-writer order preserved), no duplicate, no gap.
                if (seq != nextSeq[(int)writer])
                {
                    fail("writer " + writer + " on object " + i + ": expected seq " + nextSeq[(int)writer] +
                        " but found " + seq + ", " + where.get());
                }
                nextSeq[(int)writer]++;
                if (previousWriter != -1 && previousWriter != writer)
                {
                    interleavings++;
                }
                previousWriter = writer;
            }
            for (int w = 1; w <= WRITERS; w++)
            {
                assertEquals(EVENTS_PER_WRITER, nextSeq[w], "events of writer " + w + " on object " + i);
            }
        }
        // Not asserted: on a loaded machine one JVM may finish before the other starts. Shown so a run
        // that proves little can be told from one that interleaved.
        System.out.println("SharedObjectsAcrossProcessesTest: the writers ran together for " + overlapMicros +
            " us; writer changes between adjacent positions: " + interleavings);

        final Map<Long, WriterInfo> registry = new HashMap<>();
        for (final WriterInfo writer : reader.writers())
        {
            registry.put(writer.pid(), writer);
        }
        final List<Long> children = new ArrayList<>(pidOfWriter.values());
        children.add(pusherPid);
        for (final long pid : children)
        {
            final WriterInfo writer = registry.get(pid);
            assertTrue(writer != null, "writer registry lists child pid " + pid + ": " + registry.values());
            assertTrue(writer.detached(), "child " + pid + " closed the file: " + writer);
            assertFalse(writer.alive(), "child " + pid + " has exited: " + writer);
        }
    }
}
