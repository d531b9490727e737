package org.structhist.format;

/**
 * Layout of one entry of the list directory. The directory holds Max Lists entries of
 * {@link #ENTRY_LENGTH} bytes each, from the header's List Directory Offset.
 * <p>
 * An entry is claimed by a CAS of State from FREE to {@code -pid} (initialising, by that process);
 * the claimer fills the configuration and reserves the list's region in the data region, then
 * release-stores READY. If the
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
 *  |  Foreign Handle Claims (long, atomic)                          | 88
 *  |  Stale Events Unattributed (long, atomic)                      | 96
 *  |  reserved, up to 128                                           |104
 *  +---------------------------------------------------------------+
 *  |  Stale Handle Table: 32 words (long, CAS), one per evicted push |128
 *  |    Push Tag (u32) | Events (u16) | Ref Delta (i16)             |
 *  +---------------------------------------------------------------+
 * </pre>
 * <b>Foreign Handle Claims</b> counts events logged to this list through a handle it never made (another
 * list's, or garbage such as a handle field a poisoned struct overwrote, or a generation the slot never
 * reached): they are refused, never written, and never silently lost.
 * <p>
 * <b>Stale Handle Table</b>: what was logged through the handles of incarnations that had left the window
 * (a holder still using an object the window pushed out), per evicted push, so the audit can attribute it
 * to that incarnation and not to the slot's new occupant. Push {@code n} uses word
 * {@code n mod STALE_HANDLE_TABLE_ENTRIES}; a word with Events = 0 is empty. Push Tag is the low 32 bits
 * of the push number, Events the events refused through its handles (saturating at 65535), Ref Delta their
 * net effect on the count (+1 a REF, -1 an UNREF, saturating at +/-32767). A writer updates a word by
 * one CAS: its own push's word gets one more event; an empty word, or one of an older push (serial
 * order of the tags), is taken over, and the events the old push had are added to Stale Events
 * Unattributed; a word of a newer push is left alone and the event is added to Stale Events Unattributed.
 * What is lost past the bound: the attribution (which push, what delta) of stale events beyond the
 * newest push per word, or beyond a word's saturation; they are still counted in Stale Events Dropped.
 * The region is Window slots of Slot Length bytes; slot {@code i} starts at
 * {@code regionOffset + i * slotLength} (see {@link ObjectSlotDescriptor}). A push numbered {@code n}
 * (the value of Push Cursor it took) lands in slot {@code n % window} as generation
 * {@link ObjectSlotDescriptor#generationOf(long, int)}.
 */
public final class ListDescriptor
{
    public static final int ENTRY_LENGTH = 384;

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
    public static final int FOREIGN_HANDLE_CLAIMS_OFFSET = 88;
    public static final int STALE_EVENTS_UNATTRIBUTED_OFFSET = 96;
    public static final int STALE_HANDLE_TABLE_OFFSET = 128;

    /** Evicted pushes whose stale-handle events a list keeps apart, at most (one word each). */
    public static final int STALE_HANDLE_TABLE_ENTRIES = 32;
    /** Events one word of the Stale Handle Table counts before it saturates. */
    public static final int MAX_STALE_EVENTS = 0xFFFF;
    /** The largest Ref Delta magnitude one word of the Stale Handle Table holds. */
    public static final int MAX_STALE_REF_DELTA = Short.MAX_VALUE;

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

    /** A Stale Handle Table word. */
    public static long staleWord(final long pushNumber, final int events, final int refDelta)
    {
        return ((pushNumber & 0xFFFF_FFFFL) << 32) | ((long)(events & 0xFFFF) << 16) | (refDelta & 0xFFFFL);
    }

    public static int staleTag(final long staleWord)
    {
        return (int)(staleWord >>> 32);
    }

    public static int staleEvents(final long staleWord)
    {
        return (int)(staleWord >>> 16) & 0xFFFF;
    }

    public static int staleRefDelta(final long staleWord)
    {
        return (short)staleWord;
    }

    /** The offset of push {@code pushNumber}'s word in the Stale Handle Table of the entry at {@code entry}. */
    public static int staleWordOffset(final int entry, final long pushNumber)
    {
        return entry + STALE_HANDLE_TABLE_OFFSET + (int)(pushNumber % STALE_HANDLE_TABLE_ENTRIES) * Long.BYTES;
    }

    public static int entryOffset(final int directoryOffset, final int listIndex)
    {
        return directoryOffset + listIndex * ENTRY_LENGTH;
    }

    private ListDescriptor()
    {
    }
}
