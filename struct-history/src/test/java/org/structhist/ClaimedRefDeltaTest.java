package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.StaleHandleEvents;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the audit needs beyond the ring: the slot sums the REF/UNREF effect of every claimed event, kept
 * or dropped; events through a stale handle are summed for the evicted push, never for the new occupant;
 * a claim through a handle the list never made is counted.
 */
class ClaimedRefDeltaTest
{
    private static final int EVENTS = 10_000;
    private static final int KEPT = 32;

    @TempDir
    Path dir;

    @Test
    void aTenThousandEventHistoryKeepingThirtyTwoStillHasItsNetRefEffect()
    {
        final Path path = dir.resolve("long.hist");
        final int buggy;
        final int clean;
        try (HistoryFile file = TestFiles.open(path))
        {
            final HistoryList list = file.list("long", ListOptions.window(4).eventsPerObject(KEPT).pinnedFirst(8));
            buggy = logLongHistory(list.push(0x10000), 9_000);
            clean = logLongHistory(list.push(0x20000), -1);
        }
        assertEquals(0, buggy, "the history the test wrote: the extra unref at 9,000 takes it to 0 before its end");
        assertEquals(1, clean, "its clean twin ends with the creator's reference");
        final HistoryReader reader = HistoryReader.open(path);
        for (final long address : new long[] {0x10000, 0x20000})
        {
            final Incarnation incarnation = reader.incarnationsOf(address).get(0);
            assertEquals(EVENTS, incarnation.eventCount());
            assertEquals(EVENTS - KEPT, incarnation.droppedEvents(), "all but 32 were dropped by the ring");
            assertEquals(KEPT, reader.events(incarnation).size());
            assertTrue(incarnation.claimedRefDeltaKnown());
            assertEquals(address == 0x10000 ? buggy : clean, incarnation.claimedRefDelta(),
                "every REF and UNREF, kept or dropped, is in the sum of " + Long.toHexString(address));
        }
    }

    /** REF, then refs, unrefs and hand-offs in turn, an extra unref at {@code extraUnrefAt}; the net effect. */
    private static int logLongHistory(final History sh, final int extraUnrefAt)
    {
        sh.log(TcpVerb.TCP_REF, 1, "created");
        int count = 1;
        for (int i = 1; i < EVENTS; i++)
        {
            final TcpVerb verb = i == extraUnrefAt || i % 3 == 2 ? TcpVerb.TCP_UNREF :
                i % 3 == 1 ? TcpVerb.TCP_REF : TcpVerb.TCP_SEND2CHILD;
            count += verb == TcpVerb.TCP_REF ? 1 : verb == TcpVerb.TCP_UNREF ? -1 : 0;
            sh.log(verb, "event %d", i);
        }
        return count;
    }

    @Test
    void staleHandleEventsAreSummedForTheEvictedPushNotTheNewOccupant()
    {
        final Path path = dir.resolve("stale.hist");
        final long evictedPush;
        try (HistoryFile file = TestFiles.open(path))
        {
            final HistoryList list = file.list("small window", ListOptions.window(2).eventsPerObject(8));
            final History evicted = list.push(0xE0);
            evicted.log(TcpVerb.TCP_REF, 1, "created");
            evictedPush = HistoryList.pushNumber(evicted.handle());
            list.push(0xE1);
            final History occupant = list.push(0xE2); // takes the evicted object's slot
            occupant.log(TcpVerb.TCP_REF, 1, "created");
            evicted.log(TcpVerb.TCP_UNREF, 0, "a holder still using it");
            evicted.log(TcpVerb.TCP_UNREF, -1, "one unref too many");
            evicted.log(TcpVerb.TCP_SEND2CHILD, "a hand-off");
        }
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list("small window").orElseThrow();
        final Incarnation occupant = reader.incarnationsOf(0xE2).get(0);
        assertEquals(1, occupant.claimedRefDelta(), "the new occupant's sum is its own REF only");
        assertEquals(3, occupant.staleEventsDropped());
        assertEquals(List.of(new StaleHandleEvents(list, evictedPush, 0, 3, -2, 1)), reader.staleHandleEvents(list),
            "three events, net -2, attributed to the evicted push, whose net was +1 when it left the window");
        assertEquals(0, list.staleEventsUnattributed());
        assertEquals(0, list.foreignHandleClaims());
    }

    /**
     * The net an evicted push had when the next push took its slot is kept in the slot's Evicted Ref Delta, so
     * an UNREF through its stale handle can be judged against it; once the slot is pushed again it is gone.
     */
    @Test
    void theNetAtEvictionIsKeptUntilTheSlotIsPushedAgain()
    {
        final Path path = dir.resolve("eviction.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final HistoryList list = file.list("eviction", ListOptions.window(2).eventsPerObject(4));
            final History evicted = list.push(0xE0); // push 0, slot 0
            evicted.log(TcpVerb.TCP_REF, "created");
            evicted.log(TcpVerb.TCP_REF, "handed to a holder");
            evicted.log(TcpVerb.TCP_UNREF, "creator done");
            evicted.log(TcpVerb.TCP_SEND2CHILD, "past the 4 events kept: its net still counts");
            evicted.log(TcpVerb.TCP_REF, "one more");
            list.push(0xE1);
            list.push(0xE2).log(TcpVerb.TCP_REF, "push 2 takes slot 0: push 0's net was +2");
            evicted.log(TcpVerb.TCP_UNREF, "the holder, through its stale handle");
            final HistoryReader reader = HistoryReader.open(path);
            final ListInfo info = reader.list("eviction").orElseThrow();
            assertEquals(List.of(new StaleHandleEvents(info, 0, 0, 1, -1, 2)), reader.staleHandleEvents(info));

            list.push(0xE3);
            list.push(0xE4); // push 4 takes slot 0 again: push 0's net at eviction is no longer kept
            final StaleHandleEvents lost = reader.staleHandleEvents(info).get(0);
            assertEquals(StaleHandleEvents.UNKNOWN_NET, lost.netAtEviction(), lost.toString());
            assertFalse(lost.netAtEvictionKnown());
        }
    }

    @Test
    void pastItsBoundTheStaleTableKeepsTheNewestPushPerWordAndCountsTheRest()
    {
        final Path path = dir.resolve("bound.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final HistoryList list = file.list("bound", ListOptions.window(1).eventsPerObject(4));
            final long older = list.pushHandle(0xA); // push 0
            long newer = 0;
            for (int i = 1; i <= 32; i++)
            {
                final long handle = list.pushHandle(0xB);
                newer = handle; // push 32 at the end: it shares push 0's word of the 32-word table
            }
            list.log(older, TcpVerb.TCP_UNREF, "older, stale");
            list.log(older, TcpVerb.TCP_UNREF, "older, stale");
            list.pushHandle(0xD); // push 33: now push 32 is stale too
            list.log(newer, TcpVerb.TCP_REF, "newer, stale: takes the word");
            list.log(older, TcpVerb.TCP_UNREF, "older again: its word is the newer push's now");
        }
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo list = reader.list("bound").orElseThrow();
        assertEquals(List.of(new StaleHandleEvents(list, 32, 0, 1, 1, 0)), reader.staleHandleEvents(list));
        assertEquals(3, list.staleEventsUnattributed(), "the older push's 2 events it lost, and its late third");
        assertEquals(4, list.staleEventsDropped(), "every stale event is still counted");
    }

    @Test
    void claimsThroughAForeignOrGarbageHandleAreCountedNeverWritten()
    {
        final Path path = dir.resolve("foreign.hist");
        try (HistoryFile file = TestFiles.open(path))
        {
            final HistoryList mine = file.list("mine", ListOptions.window(4).eventsPerObject(8));
            final HistoryList other = file.list("other", ListOptions.window(4).eventsPerObject(8));
            final long own = mine.pushHandle(0x1);
            final long foreign = other.pushHandle(0x2);
            mine.log(foreign, TcpVerb.TCP_REF, 1, "another list's handle");
            mine.log(0xDEDE_DEDE_DEDE_DEDEL, TcpVerb.TCP_UNREF, "a poisoned handle field");
            mine.log(own + 4, TcpVerb.TCP_REF,
                "push 4 of mine was never made: its generation is newer than the slot's");
            mine.log(0, TcpVerb.TCP_REF, "handle 0");
            mine.log(own, TcpVerb.TCP_REF, 1, "my own handle");
        }
        final HistoryReader reader = HistoryReader.open(path);
        final ListInfo mine = reader.list("mine").orElseThrow();
        assertEquals(4, mine.foreignHandleClaims());
        assertEquals(0, mine.staleEventsDropped());
        final Incarnation own = reader.incarnationsOf(0x1).get(0);
        assertEquals(1, own.eventCount(), "only the event through its own handle was written");
        assertEquals(1, own.claimedRefDelta());
        assertEquals(0, reader.list("other").orElseThrow().foreignHandleClaims());
    }
}
