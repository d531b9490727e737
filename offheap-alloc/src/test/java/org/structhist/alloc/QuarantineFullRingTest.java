package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quarantine bounded by its slots rather than its bytes: once the ring is full, each free must
 * release the oldest chunk and hold back the new one. (It used to release the new one at once, so the
 * ring emptied and held nothing: found by stress-tests' RefUnrefLastTest.)
 */
class QuarantineFullRingTest
{
    @TempDir
    Path dir;

    @Test
    void aFullRingHoldsTheNewestFreesOldestOutFirst()
    {
        final int slots = 16;
        final SharedHeap heap = SharedHeap.open(dir.resolve("q.heap"), HeapOptions.capacity(8 << 20)
            .quarantineSlots(slots).quarantineBytes(1 << 20).history(null));
        final long[] chunks = new long[3 * slots];
        for (int i = 0; i < chunks.length; i++)
        {
            chunks[i] = heap.allocate(16);
        }
        for (int i = 0; i < chunks.length; i++)
        {
            heap.free(chunks[i]);
            for (int j = 0; j <= i; j++)
            {
                final boolean held = j > i - slots;
                assertEquals(held ? "quarantined" : "free", heap.chunk(chunks[j]).stateName(),
                    "chunk " + j + " after " + (i + 1) + " frees");
            }
            assertEquals(Math.min(i + 1, slots) * 64L, heap.summary().quarantinedBytes());
        }
        for (int i = 0; i < slots; i++)
        {
            final long again = heap.allocate(16);
            for (int j = chunks.length - slots; j < chunks.length; j++)
            {
                assertTrue(again != chunks[j], "a quarantined chunk was handed out again");
            }
        }
    }
}
