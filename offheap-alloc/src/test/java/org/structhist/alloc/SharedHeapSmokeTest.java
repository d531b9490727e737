package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.HeapSummary;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SharedHeapSmokeTest
{
    @TempDir
    Path dir;

    @Test
    void allocateFreeReuseDoubleFreeUseAfterFree()
    {
        final SharedHeap heap = SharedHeap.open(dir.resolve("h.heap"), HeapOptions.capacity(8 << 20).history(null));
        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++)
        {
            final long a = heap.allocate(40);
            assertTrue(seen.add(a));
            heap.putLong(a, i);
        }
        final long a = seen.iterator().next();
        heap.free(a);
        assertThrows(DoubleFreeException.class, () -> heap.free(a));
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(a));
        assertThrows(UseAfterFreeException.class, () -> heap.checked().getLong(a));
        final long b = heap.allocate(40);
        assertEquals(a, b);
        assertEquals(2, heap.generation(b));
        heap.checkLive(b);
        assertThrows(UseAfterFreeException.class, () -> heap.checkLive(b, 1));
        final long big = heap.allocate(3 << 20);
        heap.putLong(big + (3 << 20) - 8, 7);
        final ChunkInfo info = heap.chunk(big + 100);
        assertEquals(big, info.address());
        final HeapSummary summary = heap.summary();
        assertEquals(1001, summary.allocatedChunks());
        assertThrows(IllegalArgumentException.class, () -> heap.free(big + 8));
        assertThrows(HeapExhaustedException.class, () -> heap.allocate(6 << 20));
        System.out.println(summary);
    }
}
