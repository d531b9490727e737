package org.structhist.alloc.reader;

import java.util.List;

/**
 * A heap at one instant: its size, how much of it has been carved, and each class that has chunks.
 *
 * @param capacity         the file's bytes.
 * @param dataOffset       where chunk pages start.
 * @param usedBytes        bytes carved into runs so far (the page bump's progress).
 * @param skippedBytes     bytes left at 1 GiB segment edges.
 * @param quarantinedBytes bytes waiting in the quarantine.
 * @param corruptPages     pages whose table entry names no class (a corrupt file; 0 normally).
 * @param classes          the classes that have pages, smallest first.
 */
public record HeapSummary(long capacity, long dataOffset, long usedBytes, long skippedBytes, long quarantinedBytes,
    long corruptPages, List<ClassSummary> classes)
{
    public long allocatedChunks()
    {
        return classes.stream().mapToLong(ClassSummary::allocated).sum();
    }

    public long allocatedBytes()
    {
        return classes.stream().mapToLong(c -> c.allocated() * c.chunkSize()).sum();
    }
}
