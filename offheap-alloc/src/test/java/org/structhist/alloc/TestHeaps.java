package org.structhist.alloc;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;

import java.nio.file.Path;

/** Heaps and history files for tests: history off unless a test asks for it, never the default file. */
final class TestHeaps
{
    static final long SMALL_CAPACITY = 8L << 20;

    private TestHeaps()
    {
    }

    /**
     * {@code capacity} bytes, automatic history off: every test that wants the "shm" history passes its
     * own list, so no test writes to the user's default history file in /dev/shm.
     */
    static HeapOptions options(final long capacity)
    {
        return HeapOptions.capacity(capacity).history(null);
    }

    static SharedHeap open(final Path path, final long capacity)
    {
        return SharedHeap.open(path, options(capacity));
    }

    static SharedHeap open(final Path path)
    {
        return open(path, SMALL_CAPACITY);
    }

    static HistoryFile historyFile(final Path path)
    {
        return HistoryFile.open(path, FileOptions.defaults().sizeBytes(16L << 20));
    }
}
