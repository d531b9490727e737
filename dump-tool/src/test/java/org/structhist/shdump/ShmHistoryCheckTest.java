package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.alloc.DoubleFreeException;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.SharedHeap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "shm" history a SharedHeap writes reads right to {@code check}: a heap used correctly has no
 * anomaly (an allocation takes no reference, so its free is no destroy-with-refs), and a double free is
 * an event after destroy. A use after free that the heap caught in another process is flagged as what the
 * library caught (its timestamps alone prove nothing: the other process logged nothing before it).
 */
class ShmHistoryCheckTest
{
    @TempDir
    Path dir;

    @Test
    void healthyChunksPassAndADoubleFreeIsAnEventAfterDestroy()
    {
        final Path historyPath = dir.resolve("shm.hist");
        final HistoryFile history = HistoryFile.open(historyPath);
        final SharedHeap heap = SharedHeap.open(dir.resolve("shm.heap"),
            HeapOptions.capacity(4L << 20).history(history.list("shm")));
        for (int i = 0; i < 20; i++)
        {
            heap.free(heap.allocate(24 + i));
        }
        Cli.on(historyPath, "check").exits(0);

        final long address = heap.allocate(64);
        heap.free(address);
        assertThrows(DoubleFreeException.class, () -> heap.free(address));
        Cli.on(historyPath, "check").exits(1).outContains("0x" + Long.toHexString(address))
            .outContains("SHM_DOUBLE_FREE");
    }

    @Test
    void aUseAfterFreeCaughtByCheckLiveInAnotherProcessIsFlaggedOnTheChunksHistory() throws Exception
    {
        final Path historyPath = dir.resolve("uaf.hist");
        final Path heapPath = dir.resolve("uaf.heap");
        final HistoryFile history = Histories.open(historyPath);
        final SharedHeap heap = Heaps.open(heapPath, history.list("shm"));
        try
        {
            final long live = heap.allocate(64);
            assertEquals("LIVE", checkLiveInAnotherProcess(heapPath, historyPath, live), "the clean twin");
            heap.free(live);
            Cli.on(historyPath, "check").exits(ExitCode.OK);

            final long freed = heap.allocate(64);
            heap.free(freed);
            assertEquals("quarantined", heap.chunk(freed).stateName(), "freed, not yet handed out again");
            assertEquals("CAUGHT", checkLiveInAnotherProcess(heapPath, historyPath, freed));
            final List<String> flagged = Cli.on(historyPath, "check").exits(ExitCode.FOUND).lines().stream()
                .filter(line -> line.startsWith("CAUGHT_BY_LIBRARY")).toList();
            assertEquals(1, flagged.size(), String.join("\n", flagged));
            assertTrue(flagged.get(0).matches("CAUGHT_BY_LIBRARY +shm +" + Address.format(freed) +
                " .* SHM_USE_AFTER_FREE .*use after free caught by checkLive.*"), flagged.get(0));
        }
        finally
        {
            heap.close();
            history.close();
        }
    }

    private static String checkLiveInAnotherProcess(final Path heap, final Path history, final long address)
        throws Exception
    {
        try (Child child = Child.start(UseAfterFreeChild.class, heap, history, Long.toHexString(address)))
        {
            final String line = child.awaitLine("", Duration.ofSeconds(60));
            assertEquals(0, child.awaitExit(Duration.ofSeconds(60)), child.describe());
            return line;
        }
    }
}
