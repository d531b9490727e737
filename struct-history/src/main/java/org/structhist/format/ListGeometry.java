package org.structhist.format;

/**
 * The rules a list directory entry's geometry must obey before anyone computes an offset from it:
 * one place for the writer attaching to a list and for the reader, so neither can write or read
 * outside the list's region whatever the file says.
 */
public final class ListGeometry
{
    /** Events per object: at least one pinned or ring record plus one more, at most 2^20. */
    public static final int MAX_EVENTS_PER_OBJECT = 1 << 20;

    private ListGeometry()
    {
    }

    /**
     * Why an entry with this geometry cannot be used, or null if it can.
     *
     * @param slotLength the entry's stored Slot Length.
     */
    public static String problem(
        final int window,
        final int eventsPerObject,
        final int pinnedFirst,
        final int entrySize,
        final int slotLength,
        final int regionOffset,
        final FileLayout layout)
    {
        if (window < 1 || window > ListDescriptor.MAX_WINDOW)
        {
            return "window " + window + " is out of range";
        }
        if (eventsPerObject < 2 || eventsPerObject > MAX_EVENTS_PER_OBJECT || pinnedFirst < 0 ||
            pinnedFirst >= eventsPerObject)
        {
            return "events per object " + eventsPerObject + " with " + pinnedFirst + " pinned is out of range";
        }
        if (entrySize < EventDescriptor.MIN_ENTRY_SIZE || entrySize > EventDescriptor.MAX_ENTRY_SIZE ||
            Integer.bitCount(entrySize) != 1)
        {
            return "entry size " + entrySize + " is not a power of two from 64 to 1024";
        }
        if (slotLength != ObjectSlotDescriptor.slotLength(eventsPerObject, entrySize))
        {
            return "slot length " + slotLength + " does not match its events and entry size";
        }
        if ((regionOffset & 7) != 0)
        {
            return "region offset " + regionOffset + " is not 8-byte aligned";
        }
        if (regionOffset < layout.dataRegionOffset ||
            (long)regionOffset + (long)window * slotLength > (long)layout.dataRegionOffset + layout.dataRegionLength)
        {
            return "its slots (" + window + " x " + slotLength + " bytes at " + regionOffset +
                ") lie outside the data region";
        }
        return null;
    }
}
