package org.structhist.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.StructHistoryException;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.ListDescriptor;
import org.structhist.format.ListGeometry;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.format.StringTableDescriptor;
import org.structhist.io.ProcessIdentity;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.structhist.format.ListDescriptor.*;
import static org.structhist.format.ObjectSlotDescriptor.slotLength;

/**
 * Finds a list by name in the file's list directory, or creates it (see {@code ListDescriptor}).
 * Processes creating the same name at once end up on one entry: entries are claimed in index order
 * and a scan waits for an entry being initialised before it compares names.
 */
public final class ListDirectory
{
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int CLAIMED_BY_ME = initialisingBy(ProcessIdentity.PID);
    /**
     * Serialises list lookups and creations across every ListDirectory of this process. A waiter takes an
     * entry claimed in its own pid for the leftover of a dead process that had the same pid, which holds
     * only while no other thread of this process is creating a list. HistoryFile's lock ensures that per
     * HistoryFile instance, but one file opened under two paths (a symlink, a hard link, a bind mount)
     * has two instances: without this lock both would create their list in the same entry.
     */
    private static final Object CREATE_LOCK = new Object();

    /** A list's directory entry as found or made. */
    public static final class Entry
    {
        public final int index;
        public final int entryOffset;
        public final int window;
        public final int eventsPerObject;
        public final int pinnedFirst;
        public final int entrySize;
        public final int flags;
        public final int regionOffset;
        public final boolean created;

        Entry(final UnsafeBuffer buffer, final int index, final int entryOffset, final boolean created)
        {
            this.index = index;
            this.entryOffset = entryOffset;
            this.window = buffer.getInt(entryOffset + WINDOW_OFFSET);
            this.eventsPerObject = buffer.getInt(entryOffset + EVENTS_PER_OBJECT_OFFSET);
            this.pinnedFirst = buffer.getInt(entryOffset + PINNED_FIRST_OFFSET);
            this.entrySize = buffer.getInt(entryOffset + ENTRY_SIZE_OFFSET);
            this.flags = buffer.getInt(entryOffset + FLAGS_OFFSET);
            this.regionOffset = buffer.getInt(entryOffset + REGION_OFFSET_OFFSET);
            this.created = created;
        }
    }

    private final UnsafeBuffer buffer;
    private final FileLayout layout;
    private final StringInterner strings;
    private final String fileName;
    /**
     * Per entry, the initialising State this process already waited {@link #WAIT_NANOS} on in vain (0:
     * none). The same State again fails at once: a State naming a live process that never finishes (a
     * hostile file can name pid 1) costs one wait per process, not one per lookup.
     */
    private final int[] gaveUpOn = new int[ListDescriptor.MAX_LISTS];

    public ListDirectory(
        final UnsafeBuffer buffer, final FileLayout layout, final StringInterner strings, final String fileName)
    {
        this.buffer = buffer;
        this.layout = layout;
        this.strings = strings;
        this.fileName = fileName;
    }

    /**
     * The entry named {@code name}, created with these parameters if there is none. The caller checks
     * that an existing entry's parameters are the ones it asked for.
     */
    public Entry findOrCreate(
        final String name,
        final int window,
        final int eventsPerObject,
        final int pinnedFirst,
        final int entrySize,
        final int flags,
        final long wallNanos)
    {
        synchronized (CREATE_LOCK)
        {
            return findOrCreateLocked(name, window, eventsPerObject, pinnedFirst, entrySize, flags, wallNanos);
        }
    }

    private Entry findOrCreateLocked(
        final String name,
        final int window,
        final int eventsPerObject,
        final int pinnedFirst,
        final int entrySize,
        final int flags,
        final long wallNanos)
    {
        final int nameId = strings.intern(name);
        if (nameId == StringTableDescriptor.NO_STRING)
        {
            throw new StructHistoryException("cannot create list '" + name + "' in " + fileName +
                ": its string table is full");
        }
        final int maxLists = Math.min(layout.maxLists, ListDescriptor.MAX_LISTS);
        int retries = 0;
        for (int index = 0; index < maxLists; index++)
        {
            final int entry = entryOffset(layout.listDirectoryOffset, index);
            int state = buffer.getIntVolatile(entry + STATE_OFFSET);
            if ((state == STATE_FREE && buffer.compareAndSetInt(entry + STATE_OFFSET, STATE_FREE, CLAIMED_BY_ME)) ||
                (state = awaitReady(entry, index, name)) == CLAIMED_BY_ME)
            {
                if (create(entry, nameId, name, window, eventsPerObject, pinnedFirst, entrySize, flags, wallNanos))
                {
                    // Read back from the file, so checked like any entry: another process may write it too.
                    return requireSound(new Entry(buffer, index, entry, true), name);
                }
                throw new StructHistoryException("no room in " + fileName + " for list '" + name + "': it needs " +
                    (long)window * ObjectSlotDescriptor.slotLength(eventsPerObject, entrySize) + " bytes and " +
                    freeBytes() + " are free; create the file larger (FileOptions.sizeBytes or -D" +
                    org.structhist.FileOptions.SIZE_PROPERTY + ") or the list smaller");
            }
            if (state == STATE_READY && buffer.getInt(entry + NAME_ID_OFFSET) == nameId)
            {
                return requireSound(new Entry(buffer, index, entry, false), name);
            }
            if (state == STATE_FREE && ++retries < WriterChecks.MAX_CAS_ATTEMPTS)
            {
                index--; // its creator gave up on it: try to claim it again (not for ever: it may be flipped)
            }
        }
        throw new StructHistoryException("cannot create list '" + name + "' in " + fileName + ": all " +
            maxLists + " lists are in use");
    }

    /** Refuses an existing entry whose geometry would make writes land outside its region. */
    private Entry requireSound(final Entry entry, final String name)
    {
        final String problem = ListGeometry.problem(entry.window, entry.eventsPerObject, entry.pinnedFirst,
            entry.entrySize, buffer.getInt(entry.entryOffset + SLOT_LENGTH_OFFSET), entry.regionOffset, layout);
        final String overlap = problem == null ? overlap(entry) : null;
        if (problem != null || overlap != null)
        {
            throw new StructHistoryException("list '" + name + "' in " + fileName + " is corrupt (" +
                (problem != null ? problem : overlap) + "): delete the file to start afresh");
        }
        return entry;
    }

    /**
     * Which other sound, READY list's slots {@code entry}'s slots overlap, or null: regions are handed out
     * by one cursor and never overlap in a file only this library wrote, and a list whose writes would land
     * in another list's slots must not be written (cold path: once per list per process).
     */
    private String overlap(final Entry entry)
    {
        final long start = entry.regionOffset;
        final long end = start + (long)entry.window * slotLength(entry.eventsPerObject, entry.entrySize);
        final int maxLists = Math.min(layout.maxLists, ListDescriptor.MAX_LISTS);
        for (int index = 0; index < maxLists; index++)
        {
            final int other = entryOffset(layout.listDirectoryOffset, index);
            if (index == entry.index || buffer.getIntVolatile(other + STATE_OFFSET) != STATE_READY)
            {
                continue;
            }
            final Entry that = new Entry(buffer, index, other, false);
            final int thatSlotLength = buffer.getInt(other + SLOT_LENGTH_OFFSET);
            if (ListGeometry.problem(that.window, that.eventsPerObject, that.pinnedFirst,
                that.entrySize, thatSlotLength,
                that.regionOffset, layout) != null)
            {
                continue; // its own lookup refuses it; its garbage must not refuse this list
            }
            final long thatStart = that.regionOffset;
            final long thatEnd = thatStart + (long)that.window * thatSlotLength;
            if (start < thatEnd && thatStart < end)
            {
                return "its slots " + start + ".." + end + " overlap those of list #" + index + " at " + thatStart +
                    ".." + thatEnd;
            }
        }
        return null;
    }

    private boolean create(
        final int entry,
        final int nameId,
        final String name,
        final int window,
        final int eventsPerObject,
        final int pinnedFirst,
        final int entrySize,
        final int flags,
        final long wallNanos)
    {
        final int slotLength = ObjectSlotDescriptor.slotLength(eventsPerObject, entrySize);
        final long regionLength = (long)window * slotLength;
        final long dataEnd = (long)layout.dataRegionOffset + layout.dataRegionLength;
        int regionOffset;
        int attempts = 0;
        do
        {
            regionOffset = buffer.getIntVolatile(FileHeaderDescriptor.DATA_REGION_CURSOR_OFFSET);
            if (!WriterChecks.isAlignedInside(regionOffset, 0, layout.dataRegionOffset, dataEnd) ||
                ++attempts > WriterChecks.MAX_CAS_ATTEMPTS) // a cursor changed under us without end is no better
            {
                // Laying slots out from it would overwrite the header, the directory or the tables.
                buffer.putIntRelease(entry + STATE_OFFSET, STATE_FREE);
                throw new StructHistoryException("cannot create list '" + name + "' in " + fileName + ": the file " +
                    "is corrupt (its data region cursor " + regionOffset + " is not an aligned offset in its data " +
                    "region " + layout.dataRegionOffset + ".." + dataEnd + "): delete the file to start afresh");
            }
            if (regionOffset + regionLength > dataEnd)
            {
                buffer.putIntRelease(entry + STATE_OFFSET, STATE_FREE);
                return false;
            }
        }
        while (!buffer.compareAndSetInt(
            FileHeaderDescriptor.DATA_REGION_CURSOR_OFFSET, regionOffset, (int)(regionOffset + regionLength)));

        buffer.putInt(entry + NAME_ID_OFFSET, nameId);
        buffer.putInt(entry + WINDOW_OFFSET, window);
        buffer.putInt(entry + EVENTS_PER_OBJECT_OFFSET, eventsPerObject);
        buffer.putInt(entry + PINNED_FIRST_OFFSET, pinnedFirst);
        buffer.putInt(entry + ENTRY_SIZE_OFFSET, entrySize);
        buffer.putInt(entry + FLAGS_OFFSET, flags);
        buffer.putInt(entry + SLOT_LENGTH_OFFSET, slotLength);
        buffer.putInt(entry + REGION_OFFSET_OFFSET, regionOffset);
        buffer.putInt(entry + REGION_LENGTH_OFFSET, (int)regionLength);
        buffer.putLong(entry + CREATOR_PID_OFFSET, ProcessIdentity.PID);
        buffer.putLong(entry + CREATED_WALL_NANOS_OFFSET, wallNanos);
        buffer.putIntRelease(entry + STATE_OFFSET, STATE_READY);
        return true;
    }

    /**
     * Waits while another process initialises the entry. If that process died mid-way (its pid is in
     * the state), takes the entry over and returns {@link #CLAIMED_BY_ME}: a writer killed while
     * creating a list must not block every other process for the life of the file. The dead claimer's
     * region, if it had reserved one, stays unused.
     */
    private int awaitReady(final int entry, final int index, final String name)
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        int state;
        while (isInitialising(state = buffer.getIntVolatile(entry + STATE_OFFSET)))
        {
            final boolean waitedBefore = gaveUpOn[index] == state;
            if (state == CLAIMED_BY_ME)
            {
                // This process creates lists one at a time (HistoryFile.list is synchronized), so a
                // claim in its own pid is a leftover of a dead process that had the same pid.
                return CLAIMED_BY_ME;
            }
            if (!ProcessIdentity.isAlive(claimerPid(state), 0) &&
                buffer.compareAndSetInt(entry + STATE_OFFSET, state, CLAIMED_BY_ME))
            {
                return CLAIMED_BY_ME;
            }
            if (waitedBefore || System.nanoTime() - deadline > 0)
            {
                gaveUpOn[index] = state;
                throw new StructHistoryException("cannot look up list '" + name + "' in " + fileName +
                    ": process " + claimerPid(state) + " began creating a list there 10 s ago and has not finished");
            }
            LockSupport.parkNanos(100_000);
        }
        return state;
    }

    private long freeBytes()
    {
        return (long)layout.dataRegionOffset + layout.dataRegionLength -
            buffer.getIntVolatile(FileHeaderDescriptor.DATA_REGION_CURSOR_OFFSET);
    }
}
