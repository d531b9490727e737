package org.structhist.shdump;

import org.structhist.HistoryFile;
import org.structhist.alloc.SharedHeap;

import java.nio.file.Paths;

/**
 * Child JVM of {@link HeapCommandTest}: {@code HEAP HISTORY}. Allocates five chunks in the heap, with
 * the allocations and frees in list "shm" of the history file, frees one, prints "PID n" and one
 * "LEAK 0x..." line per chunk it keeps, and halts without freeing them, as a crash would: four chunks
 * stay allocated by a pid that is dead once the test reads the heap.
 */
public final class HeapLeaker
{
    private HeapLeaker()
    {
    }

    public static void main(final String[] args)
    {
        final HistoryFile history = Histories.open(Paths.get(args[1]));
        final SharedHeap heap = Heaps.open(Paths.get(args[0]), history.list("shm"));
        System.out.println("PID " + ProcessHandle.current().pid());
        for (int i = 0; i < 3; i++)
        {
            final long address = heap.allocate(40);
            Heaps.write(heap, address, "leaked by the child, #" + i);
            System.out.println("LEAK 0x" + Long.toHexString(address));
        }
        heap.free(heap.allocate(40));
        final long big = heap.allocate(5000);
        Heaps.write(heap, big, "a big one");
        System.out.println("LEAK 0x" + Long.toHexString(big));
        System.out.flush();
        // No free, no close, no shutdown hooks: the process is gone as if killed.
        Runtime.getRuntime().halt(0);
    }
}
