package org.structhist.alloc.reader;

/**
 * One size class in a heap summary.
 *
 * @param sizeClass      the class.
 * @param chunkSize      its chunk bytes, header included.
 * @param pages          pages carved for it.
 * @param allocated      chunks allocated now.
 * @param free           chunks free (on its list, or lost by a process killed mid-pop).
 * @param quarantined    chunks freed and held back.
 * @param unused         chunks carved but never published (a refill killed mid-way).
 * @param requestedBytes payload bytes the allocated chunks asked for.
 */
public record ClassSummary(int sizeClass, long chunkSize, long pages, long allocated, long free, long quarantined,
    long unused, long requestedBytes)
{
    public long chunks()
    {
        return allocated + free + quarantined + unused;
    }
}
