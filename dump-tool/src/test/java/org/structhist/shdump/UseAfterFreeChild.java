package org.structhist.shdump;

import org.structhist.HistoryFile;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.UseAfterFreeException;

import java.nio.file.Paths;

/**
 * Child JVM of {@link ShmHistoryCheckTest}: {@code HEAP HISTORY ADDRESS(hex)}. Attaches to the heap (its
 * "shm" history in HISTORY) and checks the chunk at ADDRESS, which the test JVM freed: prints {@code CAUGHT}
 * if {@code checkLive} refused it, {@code LIVE} if it did not, and exits.
 */
public final class UseAfterFreeChild
{
    private UseAfterFreeChild()
    {
    }

    public static void main(final String[] args)
    {
        final HistoryFile history = Histories.open(Paths.get(args[1]));
        final SharedHeap heap = Heaps.open(Paths.get(args[0]), history.list("shm"));
        final long address = Long.parseUnsignedLong(args[2], 16);
        String result = "LIVE";
        try
        {
            heap.checkLive(address);
        }
        catch (final UseAfterFreeException expected)
        {
            result = "CAUGHT";
        }
        heap.close();
        history.close();
        System.out.println(result);
        System.out.flush();
    }
}
