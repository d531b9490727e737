package org.structhist.reader;

/**
 * One list of the file, from its directory entry.
 *
 * @param index              list index (0-based), the top byte of its handles minus one.
 * @param name               the list's name.
 * @param window             object slots.
 * @param eventsPerObject    event records per slot.
 * @param pinnedFirst        first events never overwritten.
 * @param entrySize          bytes per event record.
 * @param flags              list flags (see {@code ListDescriptor}).
 * @param slotLength         bytes per slot.
 * @param regionOffset       where the slots start.
 * @param creatorPid         the process that created the list.
 * @param createdWallNanos   when, epoch ns.
 * @param totalPushed        objects ever pushed.
 * @param staleEventsDropped events refused because they came through a handle pushed out of the window.
 * @param eventsRefused      events refused because an object's count was saturated.
 * @param problem            null, or why this entry cannot be read (its slots are then not read).
 * @param foreignHandleClaims events refused because their handle was never made by this list (another
 *                           list's handle, or garbage: a handle field overwritten, a generation never
 *                           reached).
 * @param staleEventsUnattributed stale-handle events whose push the bounded Stale Handle Table could not
 *                           keep apart (see {@link HistoryReader#staleHandleEvents}).
 */
public record ListInfo(
    int index,
    String name,
    int window,
    int eventsPerObject,
    int pinnedFirst,
    int entrySize,
    int flags,
    int slotLength,
    int regionOffset,
    long creatorPid,
    long createdWallNanos,
    long totalPushed,
    long staleEventsDropped,
    long eventsRefused,
    String problem,
    long foreignHandleClaims,
    long staleEventsUnattributed)
{
    /** Slots in use: the window once it has wrapped, else the objects pushed so far. */
    public long occupancy()
    {
        return Math.min(totalPushed, window);
    }

    /** Objects pushed out of the window so far. */
    public long pushedOut()
    {
        return Math.max(0, totalPushed - window);
    }

    public boolean coarseClock()
    {
        return (flags & org.structhist.format.ListDescriptor.FLAG_COARSE_CLOCK) != 0;
    }

    public boolean stacks()
    {
        return (flags & org.structhist.format.ListDescriptor.FLAG_STACKS) != 0;
    }

    public boolean checksums()
    {
        return (flags & org.structhist.format.ListDescriptor.FLAG_CHECKSUMS) != 0;
    }
}
