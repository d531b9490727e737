package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.format.HandleDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.StaleHandleEvents;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.process.StaleHandleChild.*;

/**
 * Invariant 2 (no cross-talk between incarnations) across processes: process A pushes an object and
 * exits; the test JVM pushes the window full, so A's slot gets a new occupant; process B then logs
 * through A's old handle. None of B's events may show up anywhere, in particular not in the history
 * of the slot's new occupant, and every one of them must be counted as a stale event dropped.
 */
class StaleHandleAcrossProcessesTest
{
    private static final long ADDRESS_B1 = 0xb1b1_0000L;
    private static final long ADDRESS_B2 = 0xb2b2_0000L;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void eventsThroughAnOldHandleNeverReachTheNewOccupant()
    {
        final Path path = dir.resolve("stale.hist");
        final StaleRun run = runStaleWriter(path, "log");
        verify(path, run.handleA, run.handleB1, run.handleB2, run.pusherPid, run.stalePid);
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list(LIST).orElseThrow();
        assertEquals(List.of(new StaleHandleEvents(list, HandleDescriptor.pushNumber(run.handleA), 0, STALE_EVENTS, 0,
            0)),
            reader.staleHandleEvents(list), "every stale event is A's, and none changed its count");
    }

    /**
     * A holder in another process that keeps refing and unrefing an object the window pushed out: its
     * effect on the count is kept for the evicted push (so an extra unref stays that object's bug), and
     * the slot's new occupant's sum is its own.
     */
    @Test
    @Timeout(120)
    void theCountEffectOfStaleHandleEventsIsKeptForTheEvictedPush()
    {
        final Path path = dir.resolve("stale-unref.hist");
        final StaleRun run = runStaleWriter(path, "unref");
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list(LIST).orElseThrow();
        assertEquals(List.of(new StaleHandleEvents(list, HandleDescriptor.pushNumber(run.handleA), 0,
            STALE_REFS + STALE_UNREFS, STALE_REFS - STALE_UNREFS, 0)), reader.staleHandleEvents(list),
            "the evicted push logged no REF or UNREF before it left the window: its net at eviction is 0");
        assertEquals(0, list.staleEventsUnattributed());
        final Incarnation b2 = reader.incarnation(run.handleB2).orElseThrow();
        assertEquals(0, b2.claimedRefDelta(), "the new occupant logged no REF or UNREF");
        assertEquals(STALE_REFS + STALE_UNREFS, b2.staleEventsDropped());
    }

    private record StaleRun(long handleA, long handleB1, long handleB2, long pusherPid, long stalePid)
    {
    }

    private static StaleRun runStaleWriter(final Path path, final String mode)
    {
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20));
        try
        {
            final HistoryList list = file.list(LIST, OPTIONS);
            final long handleA;
            final long pusherPid;
            try (ChildJvm pusher = ChildJvm.of(StaleHandleChild.class).name("pusher-A").args("push", path).start())
            {
                final String line = pusher.awaitLine("HANDLE ", ChildJvm.STARTUP_TIMEOUT);
                pusher.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
                handleA = Long.parseUnsignedLong(line.substring("HANDLE ".length()), 16);
                pusherPid = pusher.pid();
            }
            assertTrue(HistoryReader.open(path).incarnation(handleA).isPresent(),
                "A's object is in the window at first");

            // WINDOW more pushes: the second takes A's slot.
            final History b1 = list.push(ADDRESS_B1);
            final History b2 = list.push(ADDRESS_B2);
            b1.log(ChildVerb.PARENT_NOTE, FORMAT, ROLE_PARENT, 1);
            b2.log(ChildVerb.PARENT_NOTE, FORMAT, ROLE_PARENT, 2);

            final long stalePid;
            try (ChildJvm staleWriter = ChildJvm.of(StaleHandleChild.class).name("stale-writer-B")
                .args(mode, path, Long.toHexString(handleA)).start())
            {
                staleWriter.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
                staleWriter.awaitLine("DONE", ChildJvm.EXIT_TIMEOUT);
                stalePid = staleWriter.pid();
            }
            return new StaleRun(handleA, b1.handle(), b2.handle(), pusherPid, stalePid);
        }
        finally
        {
            file.close();
        }
    }

    private static void verify(
        final Path path, final long handleA, final long handleB1, final long handleB2, final long pusherPid,
        final long stalePid)
    {
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list(LIST).orElseThrow(() -> new AssertionError("list missing"));
        assertEquals(1 + WINDOW, list.totalPushed(), "pushes");
        assertEquals(STALE_EVENTS, list.staleEventsDropped(), "the list counts every event through A's old handle");
        assertTrue(reader.incarnation(handleA).isEmpty(), "A's incarnation has left the window");
        assertTrue(reader.incarnationsOf(ADDRESS_A).isEmpty(), "no incarnation of A's address remains");

        final Incarnation b2 = reader.incarnation(handleB2).orElseThrow(() -> new AssertionError("B2 missing"));
        final Incarnation b1 = reader.incarnation(handleB1).orElseThrow(() -> new AssertionError("B1 missing"));
        final int slotOfA = (int)(HandleDescriptor.pushNumber(handleA) % WINDOW);
        assertEquals(slotOfA, b2.slot(), "B2 took A's slot: the test set up the reuse it means to check");
        assertNotEquals(handleA, b2.handle(), "the new occupant has a handle of its own");
        assertEquals(STALE_EVENTS, b2.staleEventsDropped(), "the slot's new occupant counts the stale events");
        assertEquals(0, b1.staleEventsDropped(), "the other slot saw no stale event");

        for (final Incarnation incarnation : List.of(b1, b2))
        {
            final List<Event> events = reader.events(incarnation);
            assertEquals(1, incarnation.eventCount(), "positions claimed in " + incarnation + ": " + events);
            assertEquals(1, events.size(), "events of " + incarnation + ": " + events);
            final Event only = events.get(0);
            assertEquals(EventStatus.VALID, only.status(), EventText.of(only));
            assertEquals(ProcessHandle.current().pid(), only.pid(),
                "only the test JVM logged here: " + EventText.of(only));
            assertEquals(ROLE_PARENT, only.args()[0], EventText.of(only));
        }

        // Nowhere in the file may an event of B's, or a late one of A's, be seen.
        for (final ListInfo any : reader.lists())
        {
            for (final Incarnation incarnation : reader.incarnations(any))
            {
                for (final Event event : reader.events(incarnation))
                {
                    assertNotEquals(stalePid, event.pid(), "event of the stale writer shown: " + EventText.of(event));
                    assertNotEquals(pusherPid, event.pid(),
                        "event of A's gone incarnation shown: " + EventText.of(event));
                }
            }
        }
    }
}
