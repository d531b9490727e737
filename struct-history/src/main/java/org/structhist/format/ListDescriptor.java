package org.structhist.format;

/**
 * Layout of one entry of the list directory. The directory holds Max Lists entries of
 * {@link #ENTRY_LENGTH} bytes each, from the header's List Directory Offset.
 * <p>
 * An entry is claimed by a CAS of State from FREE to {@code -pid} (initialising, by that process);
 * the claimer fills the configuration and reserves the list's region in the data region, then release-stores READY. If the
 * data region has no room for it, the claimer stores FREE again and fails. A
 * process looking a list up by name waits on an initialising entry until it is READY, so two
 * processes creating the same list at once end up sharing one entry; if the claimer's pid is dead,
 * the waiter takes the entry over with a CAS from {@code -deadPid} to {@code -ownPid}. The counters that every push
 * touches sit on their own cache line, away from the read-mostly configuration.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  State (0 free, 2 ready, -pid initialising by pid)             |  0
 *  |  Name (string id)                                              |  4
 *  |  Window (object slots)                                         |  8
 *  |  Events Per Object                                             | 12
 *  |  Pinned First Events                                           | 16
 *  |  Entry Size (bytes per event record)                           | 20
 *  |  Flags (bit 0 coarse clock, 1 stacks, 2 checksums)             | 24
 *  |  Slot Length (slot header + events per object * entry size)    | 28
 *  |  Region Offset (absolute)                                      | 32
 *  |  Region Length                                                 | 36
 *  |  Creator Pid (long)                                            | 40
 *  |  Created, wall time epoch nanoseconds (long)                   | 48
 *  |  reserved (long)                                               | 56
 *  +---------------------------------------------------------------+
 *  |  Push Cursor (long, atomic): objects ever pushed               | 64
 *  |  Stale Events Dropped (long, atomic)                           | 72
 *  |  Events Refused: per-object count saturated (long, atomic)     | 80
 *  |  reserved, up to 128                                           | 88
 *  +---------------------------------------------------------------+
 * </pre>
 * The region is Window slots of Slot Length bytes; slot {@code i} starts at
 * {@code regionOffset + i * slotLength} (see {@link ObjectSlotDescriptor}). A push numbered {@code n}
 * (the value of Push Cursor it took) lands in slot {@code n % window} as generation
 * {@link ObjectSlotDescriptor#generationOf(long, int)}.
 */
public final class ListDescriptor
{
    public static final int ENTRY_LENGTH = 128;

    public static final int STATE_FREE = 0;
    public static final int STATE_READY = 2;

    public static final int FLAG_COARSE_CLOCK = 1;
    public static final int FLAG_STACKS = 1 << 1;
    public static final int FLAG_CHECKSUMS = 1 << 2;

    public static final int STATE_OFFSET = 0;
    public static final int NAME_ID_OFFSET = 4;
    public static final int WINDOW_OFFSET = 8;
    public static final int EVENTS_PER_OBJECT_OFFSET = 12;
    public static final int PINNED_FIRST_OFFSET = 16;
    public static final int ENTRY_SIZE_OFFSET = 20;
    public static final int FLAGS_OFFSET = 24;
    public static final int SLOT_LENGTH_OFFSET = 28;
    public static final int REGION_OFFSET_OFFSET = 32;
    public static final int REGION_LENGTH_OFFSET = 36;
    public static final int CREATOR_PID_OFFSET = 40;
    public static final int CREATED_WALL_NANOS_OFFSET = 48;
    public static final int PUSH_CURSOR_OFFSET = 64;
    public static final int STALE_EVENTS_DROPPED_OFFSET = 72;
    public static final int EVENTS_REFUSED_OFFSET = 80;

    /** A list index is 8 bits of a handle. */
    public static final int MAX_LISTS = 255;

    /** Keeps slot arithmetic in an int and a generation per slot from wrapping in practice. */
    public static final int MAX_WINDOW = 1 << 24;

    /** The State of an entry being initialised by process {@code pid}. */
    public static int initialisingBy(final long pid)
    {
        return (int)-pid;
    }

    public static boolean isInitialising(final int state)
    {
        return state < 0;
    }

    public static long claimerPid(final int state)
    {
        return -(long)state;
    }

    public static int entryOffset(final int directoryOffset, final int listIndex)
    {
        return directoryOffset + listIndex * ENTRY_LENGTH;
    }

    private ListDescriptor()
    {
    }
}
