package org.structhist.internal;

/**
 * The checks a writer applies to values it reads from the mapped file before it computes an offset
 * from them, and the bound on every retry loop over the file. A file is shared with other processes
 * and may be corrupt or hostile: a value that fails a check makes the operation a counted no-op (hot
 * path) or a {@code StructHistoryException} (open, list creation), never an access outside the mapping.
 * docs/DESIGN.md ("Values a writer reads from the file") lists every such value and its check.
 */
public final class WriterChecks
{
    /**
     * How many times a writer retries a CAS on one word of the file before it gives up on the
     * operation. Under honest contention some writer's CAS succeeds at every round, so no thread loses
     * this many in a row; only a word that another process keeps changing on purpose (or a file that
     * no longer behaves like memory) gets here, and the writer must not spin on it for ever.
     */
    public static final int MAX_CAS_ATTEMPTS = 1 << 16;

    private WriterChecks()
    {
    }

    /**
     * Whether a Push Cursor value can number a push: handles keep the push number in their low
     * {@code numberBits} bits, and a negative number would select a slot before the list's region.
     */
    public static boolean isPushNumber(final long pushNumber, final int numberBits)
    {
        return pushNumber >= 0 && pushNumber >>> numberBits == 0;
    }

    /**
     * Whether {@code offset} may start {@code length} bytes inside {@code [start, end)}, 8-byte aligned:
     * what the Data Region Cursor must be before a list's slots are laid out from it.
     */
    public static boolean isAlignedInside(final long offset, final long length, final long start, final long end)
    {
        return (offset & 7) == 0 && offset >= start && length >= 0 && offset + length <= end;
    }
}
