package org.structhist.alloc.format;

/**
 * The page table: one int per page of the file, saying what the page holds, so that any address can be
 * traced to its chunk (a checked access, {@code free} of an interior address, shdump) and every chunk
 * can be walked without trusting a free list.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Entry for page 0 | entry for page 1 | ... (4 bytes each)     |
 *  +---------------------------------------------------------------+
 * </pre>
 * An entry is 0 for a page never handed out (or the file's own header, table and ring pages);
 * {@code sizeClass + 1} for the first page of a run (a small class's page holds chunks of that class
 * back to back; a large class's run is one chunk); {@code -k} for the k-th page after the first of a
 * large run. Entries are release-stored before the run's chunks are published.
 */
public final class PageTableDescriptor
{
    public static final int ENTRY_LENGTH = 4;
    public static final int UNUSED = 0;

    private PageTableDescriptor()
    {
    }

    public static int firstPageEntry(final int sizeClass)
    {
        return sizeClass + 1;
    }
}
