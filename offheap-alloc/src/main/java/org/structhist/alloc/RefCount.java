package org.structhist.alloc;

import org.structhist.HistoryList;
import org.structhist.StructHistory;
import org.structhist.Verb;

/**
 * Reference counting for structs in a {@link SharedHeap}, with the Linux {@code refcount_t} rules and
 * a history per struct. The struct holds an int count at {@code countOffset} and its history handle (a
 * long) at {@code historyOffset}, so any thread of any process that has the address can ref, unref and
 * log to it.
 * <ul>
 * <li>{@link #create} allocates, sets the count to 1, starts the struct's history and logs REF.</li>
 * <li>{@link #ref} refuses to increment from zero (the struct is being destroyed: a ref now would be a
 * use after free) and {@link #unref} refuses to go below zero. A refusal does not corrupt anything:
 * the count is set to {@link #SATURATED}, which no later ref or unref moves, so the struct is leaked
 * rather than freed twice; the refusal is logged and a {@link RefcountException} thrown.</li>
 * <li>The unref that reaches zero logs DESTROY, ends the history and frees the chunk.</li>
 * </ul>
 * Each event carries the new count as its count field (what the audit judges by) and the caller's
 * message, a string literal: a {@code %d} in it receives the count too ("send, (%d)"); without one, the
 * count is shown after it. A refusal of a struct whose chunk is freed or quarantined (a use after free:
 * its count field is 0, or poison) is also logged through the chunk header's history handle (see
 * {@link SharedHeap#checkLive}), since the struct's own handle field may be poison by then. Nothing
 * allocates unless a refusal throws.
 */
public final class RefCount
{
    /** Where a refused count is parked: far from 0 and from overflow, as refcount_t does. */
    public static final int SATURATED = Integer.MIN_VALUE / 2;

    private final SharedHeap heap;
    private final HistoryList list;
    private final int countOffset;
    private final int historyOffset;
    private final Verb refVerb;
    private final Verb unrefVerb;
    private final Verb destroyVerb;
    private final Verb refusedVerb;

    /** With the default {@link RefVerb}s. {@code list} may be null (no history). */
    public RefCount(final SharedHeap heap, final HistoryList list, final int countOffset, final int historyOffset)
    {
        this(heap, list, countOffset, historyOffset, RefVerb.REF, RefVerb.UNREF, RefVerb.DESTROY,
            RefVerb.REFCOUNT_REFUSED);
    }

    public RefCount(final SharedHeap heap, final HistoryList list, final int countOffset, final int historyOffset,
        final Verb ref, final Verb unref, final Verb destroy, final Verb refused)
    {
        if (countOffset < 0 || historyOffset < 0 || (countOffset & 3) != 0 || (historyOffset & 7) != 0 ||
            countOffset < historyOffset + 8 && historyOffset < countOffset + 4)
        {
            throw new IllegalArgumentException("the count (offset " + countOffset + ", 4-aligned) and the history " +
                "handle (offset " + historyOffset + ", 8-aligned) must be aligned and must not overlap");
        }
        this.heap = heap;
        this.list = StructHistory.ENABLED ? list : null;
        this.countOffset = countOffset;
        this.historyOffset = historyOffset;
        this.refVerb = ref;
        this.unrefVerb = unref;
        this.destroyVerb = destroy;
        this.refusedVerb = refused;
    }

    /** Allocates {@code size} bytes (which must hold both fields), count 1, a new history; the address. */
    public long create(final long size, final String message)
    {
        if (size < Math.max(countOffset + 4, historyOffset + 8))
        {
            throw new IllegalArgumentException("a struct of " + size + " bytes has no room for the count at " +
                countOffset + " and the history handle at " + historyOffset);
        }
        final long address = heap.allocate(size);
        long handle = 0;
        if (StructHistory.ENABLED && list != null)
        {
            handle = list.pushHandle(address);
            list.log(handle, refVerb, 1, message, 1);
        }
        heap.putLong(address + historyOffset, handle);
        heap.putIntRelease(address + countOffset, 1); // publishes the handle with it
        return address;
    }

    /** Takes a reference; the new count. */
    public int ref(final long address, final String message)
    {
        final long countAddress = address + countOffset;
        while (true)
        {
            final int count = heap.getIntVolatile(countAddress);
            if (count <= 0 || count == Integer.MAX_VALUE)
            {
                throw refuse(address, count, count == 0 ? "ref from 0 (the struct is being destroyed)" :
                    count == SATURATED ? "ref of a saturated count" : count < 0 ? "ref of a negative count" :
                    "ref would overflow", message);
            }
            if (heap.compareAndSetInt(countAddress, count, count + 1))
            {
                log(address, refVerb, message, count + 1);
                return count + 1;
            }
        }
    }

    /** Drops a reference; the new count. The one that reaches 0 destroys the struct and frees it. */
    public int unref(final long address, final String message)
    {
        final long countAddress = address + countOffset;
        while (true)
        {
            final int count = heap.getIntVolatile(countAddress);
            if (count <= 0)
            {
                throw refuse(address, count, count == 0 ? "unref below 0" : "unref of a saturated count", message);
            }
            if (heap.compareAndSetInt(countAddress, count, count - 1))
            {
                log(address, unrefVerb, message, count - 1);
                if (count == 1)
                {
                    log(address, destroyVerb, message, 0);
                    if (StructHistory.ENABLED && list != null)
                    {
                        list.unref(heap.getLongVolatile(address + historyOffset));
                    }
                    heap.free(address);
                }
                return count - 1;
            }
        }
    }

    /** The count now. */
    public int count(final long address)
    {
        return heap.getIntVolatile(address + countOffset);
    }

    /** The struct's history handle (0 when history is off). */
    public long historyHandle(final long address)
    {
        return heap.getLongVolatile(address + historyOffset);
    }

    private void log(final long address, final Verb verb, final String message, final int count)
    {
        if (StructHistory.ENABLED && list != null)
        {
            list.log(heap.getLongVolatile(address + historyOffset), verb, count, message, count);
        }
    }

    private RefcountException refuse(final long address, final int count, final String what, final String message)
    {
        // From the count this call saw only: if the struct was freed and its chunk reused meanwhile, a
        // plain store would corrupt the new occupant's count.
        heap.compareAndSetInt(address + countOffset, count, SATURATED);
        log(address, refusedVerb, message, count); // the verb says refused; the count is the one refused
        heap.logUseAfterFree(address, "use after free caught by RefCount at +%d, chunk generation %d");
        return new RefcountException(what + " refused at " + SharedHeap.hex(address) + " (count was " + count +
            ", now saturated at " + SATURATED + "; the struct is leaked rather than freed twice): " + message);
    }
}
