package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.Effect;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A use after free caught by {@code checkLive}, {@code checked()} or {@link RefCount} while the chunk is
 * freed or quarantined is an event of the freed allocation's "shm" history, logged through the chunk
 * header's handle (which poisoning does not touch); once the chunk is allocated again, its header is the new
 * occupant's and receives nothing of the old one's (invariant 2).
 */
class UseAfterFreeHistoryTest
{
    private static final int COUNT_OFFSET = 0;
    private static final int HISTORY_OFFSET = 8;
    private static final long STRUCT_SIZE = 48;

    @TempDir
    Path dir;

    @Test
    void aUseOfAPoisonedQuarantinedStructIsLoggedThroughTheChunkHeadersHandle()
    {
        final Path historyPath = dir.resolve("uaf.hist");
        final HistoryFile file = TestHeaps.historyFile(historyPath);
        final HistoryList shm = file.list("shm", ListOptions.window(64).eventsPerObject(32));
        final HistoryList structs = file.list("structs", ListOptions.window(64).eventsPerObject(32));
        final SharedHeap heap = SharedHeap.open(dir.resolve("uaf.heap"),
            HeapOptions.capacity(8L << 20).poison(true).quarantineBytes(1 << 20).history(shm));
        final RefCount refs = new RefCount(heap, structs, COUNT_OFFSET, HISTORY_OFFSET);
        final long address = refs.create(STRUCT_SIZE, "created");
        assertEquals(0, refs.unref(address, "last owner"));
        assertEquals("quarantined", heap.chunk(address).stateName(), "poisoned and waiting in quarantine");

        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(address + 4));
        assertThrows(UseAfterFreeException.class, () -> heap.checked().getInt(address + 16));
        assertThrows(RefcountException.class, () -> refs.ref(address, "late holder"));
        heap.close();

        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            final List<Incarnation> allocations = reader.incarnationsOf(address).stream()
                .filter(i -> i.list().name().equals("shm")).toList();
            assertEquals(1, allocations.size());
            final List<Event> events = reader.events(allocations.get(0));
            assertEquals(List.of("SHM_ALLOC", "SHM_FREE", "SHM_USE_AFTER_FREE", "SHM_USE_AFTER_FREE",
                "SHM_USE_AFTER_FREE"), events.stream().map(Event::verb).toList());
            assertTrue(events.subList(2, 5).stream().allMatch(e -> e.effect() == Effect.CAUGHT),
                "a use after free is a bug the heap caught: the audit flags it (CAUGHT_BY_LIBRARY)");
            final long generation = heap.chunk(address).generationUnsigned();
            assertEquals(List.of("use after free caught by checkLive at +4, chunk generation " + generation,
                "use after free caught by checked() at +16, chunk generation " + generation,
                "use after free caught by RefCount at +0, chunk generation " + generation),
                events.subList(2, 5).stream().map(Event::message).toList());
            // The struct's own handle field is poison now: its refusal was refused too, and counted.
            assertEquals(1, reader.list("structs").orElseThrow().foreignHandleClaims());
            assertEquals(0, reader.list("shm").orElseThrow().foreignHandleClaims());
        }
    }

    @Test
    void onceTheChunkIsReusedItsNewOccupantGetsNoneOfTheOldOnesEvents()
    {
        final Path historyPath = dir.resolve("reuse.hist");
        final HistoryList shm =
            TestHeaps.historyFile(historyPath).list("shm", ListOptions.window(64).eventsPerObject(32));
        final SharedHeap heap = SharedHeap.open(dir.resolve("reuse.heap"), HeapOptions.capacity(8L << 20).history(shm));
        final long first = heap.allocate(STRUCT_SIZE);
        final int oldGeneration = heap.generation(first);
        heap.free(first);
        final long second = heap.allocate(STRUCT_SIZE);
        assertEquals(first, second, "the freed chunk was handed out again: the reuse this test is about");
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(first, oldGeneration));
        heap.close();

        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            final List<Incarnation> allocations = reader.incarnationsOf(first);
            assertEquals(2, allocations.size());
            assertEquals(List.of("SHM_ALLOC", "SHM_FREE"),
                reader.events(allocations.get(0)).stream().map(Event::verb).toList(), "the old allocation");
            assertEquals(List.of("SHM_ALLOC"),
                reader.events(allocations.get(1)).stream().map(Event::verb).toList(), "the new occupant");
        }
    }

    @Test
    void theHandleCheckRefusesAnIncarnationThatIsNotReleased()
    {
        // The race logUseAfterFree cannot close by reading the chunk state: a reuse that has written the
        // new occupant's handle into the header but not yet marked the chunk allocated.
        final HistoryList shm = TestHeaps.historyFile(dir.resolve("race.hist")).list("shm");
        final long newOccupant = shm.pushHandle(0x1000);
        assertFalse(shm.logIfReleased(newOccupant, ShmVerb.SHM_USE_AFTER_FREE, "uaf %d %d", 0, 1),
            "a live incarnation's history does not take a use after free");
        shm.unref(newOccupant);
        assertTrue(shm.logIfReleased(newOccupant, ShmVerb.SHM_USE_AFTER_FREE, "uaf %d %d", 0, 1));
    }
}
