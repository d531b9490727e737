package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.Effect;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.io.ProcessIdentity;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The automatic "shm" history: an incarnation per allocation, SHM_ALLOC, SHM_FREE, SHM_DOUBLE_FREE. */
class ShmHistoryTest
{
    @TempDir
    Path dir;

    private static String describe(final List<Event> events)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Event event : events)
        {
            assertEquals(EventStatus.VALID, event.status(), event.toString());
            sb.append(sb.length() == 0 ? "" : " | ").append(event.verb()).append(": ").append(event.message());
        }
        return sb.toString();
    }

    @Test
    void everyAllocateFreeAndDoubleFreeIsAnEventOfTheChunksHistory()
    {
        final Path historyPath = dir.resolve("shm.hist");
        final HistoryList shm = TestHeaps.historyFile(historyPath).list("shm");
        final SharedHeap heap = SharedHeap.open(dir.resolve("h.heap"), HeapOptions.capacity(8L << 20).history(shm));
        assertSame(shm, heap.historyList());

        final long address = heap.allocate(100);
        final long handle = heap.chunk(address).historyHandle();
        assertNotEquals(0, handle, "the chunk header keeps its history handle");
        heap.free(address);
        assertThrows(DoubleFreeException.class, () -> heap.free(address));
        final long again = heap.allocate(110); // the same class as 100
        assertEquals(address, again);
        assertNotEquals(handle, heap.chunk(again).historyHandle(), "a new allocation is a new incarnation");

        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            final List<Incarnation> incarnations = reader.incarnationsOf(address);
            assertEquals(2, incarnations.size(), "one per allocation");
            assertEquals("shm", incarnations.get(0).list().name());
            assertEquals(handle, incarnations.get(0).handle());
            assertTrue(incarnations.get(0).unref(), "the free ended the first history");
            assertFalse(incarnations.get(1).unref(), "the second allocation is still live");
            assertEquals(ProcessIdentity.PID, incarnations.get(0).creatorPid());

            final List<Event> first = reader.events(incarnations.get(0));
            assertEquals("SHM_ALLOC: alloc 100 bytes, generation 1 | SHM_FREE: free 100 bytes | " +
                "SHM_DOUBLE_FREE: double free, chunk generation 1", describe(first));
            assertEquals(List.of(Effect.NONE, Effect.DESTROY, Effect.CAUGHT),
                first.stream().map(Event::effect).toList(),
                "the double free is a bug the heap caught: the audit flags it whatever the clocks prove");
            assertEquals("SHM_ALLOC: alloc 110 bytes, generation 2", describe(reader.events(incarnations.get(1))));
        }
    }

    @Test
    void aHeapWithHistoryOffLogsNothing()
    {
        final Path historyPath = dir.resolve("quiet.hist");
        final HistoryFile file = TestHeaps.historyFile(historyPath);
        final HistoryList shm = file.list("shm");
        final SharedHeap heap = TestHeaps.open(dir.resolve("quiet.heap"));
        assertNull(heap.historyList());
        final long address = heap.allocate(10);
        assertEquals(0, heap.chunk(address).historyHandle());
        heap.free(address);
        assertThrows(DoubleFreeException.class, () -> heap.free(address));
        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            assertEquals(List.of(), reader.incarnationsOf(address));
            assertEquals(0, reader.list(shm.name()).orElseThrow().totalPushed());
        }
    }

    @Test
    void aFreeThroughAnotherInstanceLogsToTheChunksOwnHistory()
    {
        // Two heap instances stand for two processes here (the multi-process tests log from real ones):
        // both log to the same list, each chunk's events stay in that chunk's incarnation.
        final Path historyPath = dir.resolve("two.hist");
        final HistoryList shm = TestHeaps.historyFile(historyPath).list("shm");
        final HeapOptions options = HeapOptions.capacity(8L << 20).history(shm);
        final SharedHeap one = SharedHeap.open(dir.resolve("two.heap"), options);
        final SharedHeap two = SharedHeap.open(dir.resolve("two.heap"), options);
        final long a = one.allocate(30);
        final long b = two.allocate(30);
        two.free(a); // freed by the other instance: logged to the handle stored in the chunk header
        one.free(b);
        try (HistoryReader reader = HistoryReader.open(historyPath))
        {
            assertEquals("SHM_ALLOC: alloc 30 bytes, generation 1 | SHM_FREE: free 30 bytes",
                describe(reader.events(reader.incarnationsOf(a).get(0))));
            assertEquals("SHM_ALLOC: alloc 30 bytes, generation 1 | SHM_FREE: free 30 bytes",
                describe(reader.events(reader.incarnationsOf(b).get(0))));
        }
    }
}
