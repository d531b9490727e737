package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.alloc.example.ConnectionDescriptor;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's offheap-alloc example, as written there (with temporary files), does what it says. */
class ReadmeExampleTest
{
    @TempDir
    Path dir;

    @Test
    void theExampleRunsAsTheReadmeSays()
    {
        final HistoryFile file = HistoryFile.open(dir.resolve("readme.hist"));
        final SharedHeap heap = SharedHeap.open(dir.resolve("conns.heap"),
            HeapOptions.capacity(8L << 20).poison(true).quarantineBytes(1 << 20).history(file.list("shm")));
        final long addr = heap.allocate(ConnectionDescriptor.LENGTH);
        heap.putLong(addr + ConnectionDescriptor.ID_OFFSET, 42);
        assertEquals(42, heap.checked().getLong(addr + ConnectionDescriptor.ID_OFFSET));
        heap.checkLive(addr);
        heap.free(addr);
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(addr));
        assertThrows(DoubleFreeException.class, () -> heap.free(addr));

        final RefCount refs = new RefCount(heap, file.list("conns"),
            ConnectionDescriptor.REFCOUNT_OFFSET, ConnectionDescriptor.HISTORY_HANDLE_OFFSET);
        final long conn = refs.create(ConnectionDescriptor.LENGTH, "accept, (%d)");
        assertEquals(2, refs.ref(conn, "send, (%d)"));
        assertEquals(1, refs.unref(conn, "send done, (%d)"));
        assertEquals(0, refs.unref(conn, "close, (%d)"));
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(conn));
        assertTrue(heap.leaks().isEmpty());
    }
}
