package org.structhist.alloc.internal;

import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.SizeClasses;

/**
 * The bounds the allocator puts on what it reads from the heap file (shared with other processes, so
 * possibly corrupt or hostile) and on every retry loop over it. docs/DESIGN.md ("Values a writer reads
 * from the file") lists each value read and its check.
 */
public final class WriterLimits
{
    /**
     * CAS rounds on one word before an operation gives up. Under honest contention some thread's CAS
     * succeeds every round; only a word changed on purpose, without end, gets here (see struct-history's
     * WriterChecks, which has the same bound).
     */
    public static final int MAX_CAS_ATTEMPTS = 1 << 16;

    private WriterLimits()
    {
    }

    /** Whether the Page Bump can start a run: a page offset from the data offset to the file's end. */
    public static boolean isPageBump(final long pageBump, final HeapLayout layout)
    {
        return pageBump >= layout.dataOffset && pageBump <= layout.fileLength &&
            (pageBump & (SizeClasses.PAGE_SIZE - 1)) == 0;
    }
}
