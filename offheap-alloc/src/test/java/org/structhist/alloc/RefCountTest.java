package org.structhist.alloc;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.Effect;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.Verb;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RefCount's refcount_t rules (no ref from 0, no unref below 0: saturate, report, never free twice), the
 * unref to 0 that destroys and frees, and the struct's own history read back from the history file.
 */
class RefCountTest
{
    /** The struct used here: count at 0, history handle at 8, 48 bytes in all. */
    private static final int COUNT_OFFSET = 0;
    private static final int HISTORY_OFFSET = 8;
    private static final long STRUCT_SIZE = 48;

    @TempDir
    Path dir;

    private Path historyPath;
    private HistoryList list;

    @BeforeEach
    void openHistory()
    {
        historyPath = dir.resolve("refs.hist");
        final HistoryFile file = TestHeaps.historyFile(historyPath);
        // Room for every event of the threaded test: nothing dropped, so the whole history can be checked.
        list = file.list("structs", ListOptions.window(8).eventsPerObject(8192));
    }

    private SharedHeap heap(final String name, final HeapOptions options)
    {
        return SharedHeap.open(dir.resolve(name), options);
    }

    private List<Event> events(final long address)
    {
        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            final List<Incarnation> incarnations = reader.incarnationsOf(address);
            assertEquals(1, incarnations.size(), "one history for the struct at 0x" + Long.toHexString(address));
            final List<Event> events = reader.events(incarnations.get(0));
            for (final Event event : events)
            {
                assertEquals(EventStatus.VALID, event.status(), event.toString());
            }
            return events;
        }
    }

    private static String verbsAndCounts(final List<Event> events)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Event event : events)
        {
            sb.append(sb.length() == 0 ? "" : " ").append(event.verb()).append(' ').append(event.args()[0]);
        }
        return sb.toString();
    }

    @Test
    void refAndUnrefCountAndTheUnrefToZeroDestroysAndFrees()
    {
        final SharedHeap heap = heap("counts.heap", TestHeaps.options(8L << 20));
        final RefCount refs = new RefCount(heap, list, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created by %d test");
        assertEquals(1, refs.count(address));
        assertNotEquals(0, refs.historyHandle(address));
        assertEquals(refs.historyHandle(address), heap.getLong(address + HISTORY_OFFSET),
            "the handle lives in the struct");
        assertEquals(2, refs.ref(address, "cache takes it (%d)"));
        assertEquals(3, refs.ref(address, "sender takes it"));
        assertEquals(2, refs.unref(address, "sender done (%d)"));
        assertEquals(1, refs.unref(address, "cache drops it"));
        assertTrue(heap.chunk(address).isAllocated());
        assertEquals(0, refs.unref(address, "last owner (%d)"));

        assertEquals(ChunkHeaderDescriptor.STATE_FREE, heap.chunk(address).state(), "the unref to 0 freed the chunk");
        final DoubleFreeException again = assertThrows(DoubleFreeException.class, () -> heap.free(address));
        assertTrue(again.getMessage().startsWith("double free of 0x" + Long.toHexString(address)), again.getMessage());

        final List<Event> events = events(address);
        assertEquals("REF 1 REF 2 REF 3 UNREF 2 UNREF 1 UNREF 0 DESTROY 0", verbsAndCounts(events));
        assertEquals(List.of("created by 1 test", "cache takes it (2)", "sender takes it [3]", "sender done (2)",
            "cache drops it [1]", "last owner (0)", "last owner (0)"), events.stream().map(Event::message).toList());
        assertEquals(List.of(Effect.REF, Effect.REF, Effect.REF, Effect.UNREF, Effect.UNREF, Effect.UNREF,
            Effect.DESTROY), events.stream().map(Event::effect).toList());
        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            assertTrue(reader.incarnationsOf(address).get(0).unref(), "the destroy ended the struct's history");
        }
    }

    @Test
    void aRefFromZeroIsRefusedAndSaturatesTheCount()
    {
        final SharedHeap heap = heap("from-zero.heap", TestHeaps.options(8L << 20));
        final RefCount refs = new RefCount(heap, list, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created");
        // The window a racing ref can hit: the last unref has taken the count to 0 and not freed yet.
        heap.putIntRelease(address + COUNT_OFFSET, 0);

        final RefcountException fromZero = assertThrows(RefcountException.class,
            () -> refs.ref(address, "late lookup"));
        assertEquals("ref from 0 (the struct is being destroyed) refused at 0x" + Long.toHexString(address) +
            " (count was 0, now saturated at " + RefCount.SATURATED + "; the struct is leaked rather than freed " +
            "twice): late lookup", fromZero.getMessage());
        assertEquals(RefCount.SATURATED, refs.count(address));

        // A saturated count stays put: nothing ever frees the struct through it.
        final RefcountException refSaturated = assertThrows(RefcountException.class, () -> refs.ref(address, "again"));
        assertTrue(refSaturated.getMessage().startsWith("ref of a saturated count refused"), refSaturated.getMessage());
        final RefcountException unrefSaturated = assertThrows(RefcountException.class,
            () -> refs.unref(address, "drop"));
        assertTrue(unrefSaturated.getMessage().startsWith("unref of a saturated count refused"),
            unrefSaturated.getMessage());
        assertEquals(RefCount.SATURATED, refs.count(address));
        assertTrue(heap.chunk(address).isAllocated(), "leaked, not freed");

        assertEquals("REF 1 REFCOUNT_REFUSED 0 REFCOUNT_REFUSED " + RefCount.SATURATED + " REFCOUNT_REFUSED " +
            RefCount.SATURATED, verbsAndCounts(events(address)));
    }

    @Test
    void anUnrefBelowZeroIsRefusedAndNeverFreesTwice()
    {
        // The quarantine keeps the destroyed struct's bytes (count 0) in place, as a fast stale unref meets them.
        final SharedHeap heap = heap("below-zero.heap", TestHeaps.options(8L << 20).quarantineBytes(64 * 1024));
        final RefCount refs = new RefCount(heap, list, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created");
        assertEquals(0, refs.unref(address, "owner done"));
        assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(address).state());

        final RefcountException belowZero = assertThrows(RefcountException.class,
            () -> refs.unref(address, "stale owner"));
        assertTrue(belowZero.getMessage().startsWith("unref below 0 refused at 0x" + Long.toHexString(address) +
            " (count was 0, now saturated at " + RefCount.SATURATED), belowZero.getMessage());
        assertTrue(belowZero.getMessage().endsWith(": stale owner"), belowZero.getMessage());
        assertEquals(RefCount.SATURATED, refs.count(address));
        assertEquals(ChunkHeaderDescriptor.STATE_QUARANTINED, heap.chunk(address).state(),
            "refused, not a second free");
        assertThrows(RefcountException.class, () -> refs.unref(address, "stale owner"));
        assertEquals("REF 1 UNREF 0 DESTROY 0 REFCOUNT_REFUSED 0 REFCOUNT_REFUSED " + RefCount.SATURATED,
            verbsAndCounts(events(address)));
    }

    @Test
    void aRefThatWouldOverflowIsRefused()
    {
        final SharedHeap heap = heap("overflow.heap", TestHeaps.options(8L << 20));
        final RefCount refs = new RefCount(heap, list, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created");
        heap.putIntRelease(address + COUNT_OFFSET, Integer.MAX_VALUE);
        final RefcountException ex = assertThrows(RefcountException.class, () -> refs.ref(address, "one more"));
        assertTrue(ex.getMessage().startsWith("ref would overflow refused"), ex.getMessage());
        assertEquals(RefCount.SATURATED, refs.count(address));
    }

    @Test
    void twoThreadsRefAndUnrefOneStructAndItsHistoryHasEveryEvent() throws Exception
    {
        final SharedHeap heap = heap("threads.heap", TestHeaps.options(8L << 20));
        final RefCount refs = new RefCount(heap, list, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created");
        final int rounds = 1000;
        final CyclicBarrier start = new CyclicBarrier(2);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (final String name : new String[] {"alpha", "beta"})
        {
            final String refMessage = name.equals("alpha") ? "alpha ref (%d)" : "beta ref (%d)";
            final String unrefMessage = name.equals("alpha") ? "alpha unref (%d)" : "beta unref (%d)";
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < rounds; i++)
                    {
                        final int up = refs.ref(address, refMessage);
                        assertTrue(up == 2 || up == 3, "count after a ref: " + up);
                        final int down = refs.unref(address, unrefMessage);
                        assertTrue(down == 1 || down == 2, "count after an unref: " + down);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, name);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertNull(failure.get(), () -> "a thread failed: " + failure.get());
        assertEquals(1, refs.count(address));
        assertEquals(0, refs.unref(address, "creator done (%d)"));
        assertFalse(heap.chunk(address).isAllocated());

        final List<Event> events = events(address);
        assertEquals(1 + 4 * rounds + 2, events.size(), "create, every ref and unref of both threads, the last two");
        int refsSeen = 0;
        int unrefsSeen = 0;
        for (final String name : new String[] {"alpha", "beta"})
        {
            final List<Event> own = events.stream().filter(e -> name.equals(e.threadName())).toList();
            assertEquals(2 * rounds, own.size(), name + "'s events, logged under its thread name");
            for (int i = 0; i < own.size(); i++)
            {
                final Event event = own.get(i);
                final String verb = i % 2 == 0 ? "REF" : "UNREF";
                assertEquals(verb, event.verb(), name + " event " + i + " in its own order");
                assertEquals(name + " " + verb.toLowerCase() + " (" + event.args()[0] + ")", event.message());
            }
            refsSeen += (int)own.stream().filter(e -> e.verb().equals("REF")).count();
            unrefsSeen += (int)own.stream().filter(e -> e.verb().equals("UNREF")).count();
        }
        assertEquals(2 * rounds, refsSeen);
        assertEquals(2 * rounds, unrefsSeen);
        final Event last = events.get(events.size() - 1);
        assertEquals("DESTROY", last.verb());
        assertEquals("creator done (0)", last.message());
        assertEquals("UNREF", events.get(events.size() - 2).verb());
    }

    /** Verbs of a caller's own, as a C server names its connection refs. */
    private enum ConnVerb implements Verb
    {
        CONN_REF(Effect.REF), CONN_UNREF(Effect.UNREF), CONN_DESTROY(Effect.DESTROY), CONN_REFUSED(Effect.NONE);

        private final Effect effect;

        ConnVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    @Test
    void theCallersOwnVerbsNameTheEvents()
    {
        final SharedHeap heap = heap("verbs.heap", TestHeaps.options(8L << 20));
        final RefCount refs = new RefCount(heap, list, 4, 16, ConnVerb.CONN_REF, ConnVerb.CONN_UNREF,
            ConnVerb.CONN_DESTROY, ConnVerb.CONN_REFUSED);
        final long address = refs.create(24, "accept");
        assertEquals(1, heap.getInt(address + 4), "the count at its own offset");
        refs.ref(address, "send");
        refs.unref(address, "sent");
        refs.unref(address, "close");
        assertThrows(RefcountException.class, () -> refs.unref(address, "close twice"));
        assertEquals("CONN_REF 1 CONN_REF 2 CONN_UNREF 1 CONN_UNREF 0 CONN_DESTROY 0 CONN_REFUSED 0",
            verbsAndCounts(events(address)));
    }

    @Test
    void withoutAHistoryListCountsStillWork()
    {
        final SharedHeap heap = heap("no-history.heap", TestHeaps.options(8L << 20));
        final RefCount refs = new RefCount(heap, null, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created");
        assertEquals(0, refs.historyHandle(address));
        assertEquals(2, refs.ref(address, "ref"));
        assertEquals(1, refs.unref(address, "unref"));
        assertEquals(0, refs.unref(address, "unref"));
        assertFalse(heap.chunk(address).isAllocated());
    }

    @Test
    void badLayoutsAndTooSmallStructsAreRefused()
    {
        final SharedHeap heap = heap("layout.heap", TestHeaps.options(8L << 20));
        assertThrows(IllegalArgumentException.class, () -> new RefCount(heap, list, 8, 8), "overlapping");
        assertThrows(IllegalArgumentException.class, () -> new RefCount(heap, list, 4, 0), "count inside the handle");
        assertThrows(IllegalArgumentException.class, () -> new RefCount(heap, list, 0, 4), "handle not 8-aligned");
        assertThrows(IllegalArgumentException.class, () -> new RefCount(heap, list, 2, 8), "count not 4-aligned");
        assertThrows(IllegalArgumentException.class, () -> new RefCount(heap, list, -4, 8), "negative");
        assertDoesNotThrow(() -> new RefCount(heap, list, 8, 0), "count right after the handle");
        final RefCount refs = new RefCount(heap, list, 16, 0);
        final IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
            () -> refs.create(19, "too small"));
        assertEquals("a struct of 19 bytes has no room for the count at 16 and the history handle at 0",
            small.getMessage());
        assertEquals(0, heap.summary().allocatedChunks(), "refused before allocating");
        refs.create(20, "just fits");
    }
}
