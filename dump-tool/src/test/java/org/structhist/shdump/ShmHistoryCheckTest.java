package org.structhist.shdump;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.alloc.DoubleFreeException;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.SharedHeap;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The "shm" history a SharedHeap writes reads right to {@code check}: a heap used correctly has no
 * anomaly (an allocation takes no reference, so its free is no destroy-with-refs), and a double free is
 * an event after destroy.
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
}
