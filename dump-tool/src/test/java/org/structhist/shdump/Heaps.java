package org.structhist.shdump;

import org.structhist.HistoryList;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.format.ChunkHeaderDescriptor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Heap files for the tests: small, poisoned, with a quarantine of two small chunks, and their bytes patched. */
public final class Heaps
{
    /** The smallest heap: 16 pages, 13 of them for chunks. */
    public static final long CAPACITY = HeapOptions.MIN_CAPACITY;
    /** Two 96-byte chunks fit; a third freed evicts the oldest, which becomes free. */
    public static final long QUARANTINE_BYTES = 200;
    /**
     * A pid no process has: below the 32-bit guard, so it is looked up and found dead, and never in the
     * heap's process table. Linux's pid_max is at most 2^22.
     */
    public static final long DEAD_PID = Integer.MAX_VALUE - 1;

    private Heaps()
    {
    }

    /** Creates (or attaches to) the heap at {@code path}; {@code history} null turns its "shm" history off. */
    public static SharedHeap open(final Path path, final HistoryList history)
    {
        return SharedHeap.open(path, HeapOptions.capacity(CAPACITY).poison(true).quarantineBytes(QUARANTINE_BYTES)
            .history(history));
    }

    /** Writes {@code text} (ASCII) at {@code address}. */
    public static void write(final SharedHeap heap, final long address, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        heap.putBytes(address, bytes, 0, bytes.length);
    }

    /** Sets the owner pid in the header of the chunk at {@code address}, as a process that died would leave it. */
    public static void setOwner(final Path heap, final long address, final long pid)
    {
        Histories.patch(heap, address - ChunkHeaderDescriptor.LENGTH + ChunkHeaderDescriptor.OWNER_PID_OFFSET, pid, 4);
    }
}
