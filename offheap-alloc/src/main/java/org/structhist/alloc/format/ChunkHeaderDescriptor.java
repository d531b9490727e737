package org.structhist.alloc.format;

/**
 * The header in front of every chunk; the address handed to the user is the chunk's offset plus
 * {@link #LENGTH}. Users never write it, so neither their bugs nor poisoning can break a free list.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Next: index of the next chunk on the free list (while free)  |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 State Word: Generation (32 bits)              |  8
 *  +---------------+---------------+-------------------------------+
 *  |    State      |  Size Class   |           Reserved            | 12
 *  +---------------+---------------+-------------------------------+
 *  |                Owner Pid (the allocating process)             | 16
 *  +---------------------------------------------------------------+
 *  |                 Requested Size (payload bytes)                | 20
 *  +---------------------------------------------------------------+
 *  |              Allocated At (wall clock, epoch ns)              | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        History Handle in the "shm" list (0: none)             | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Freed By Pid (0 while allocated)               | 40
 *  +---------------------------------------------------------------+
 *  |                          Reserved                             | 44
 *  +---------------------------------------------------------------+
 *  |                 Payload (Requested Size bytes)               ...  48
 *  +---------------------------------------------------------------+
 * </pre>
 * The state word changes only by CAS (allocation by a release-store, on a chunk its allocator just
 * popped): {@code ALLOCATED -> QUARANTINED} is the one transition {@code free} may make, so of two
 * frees of one chunk exactly one succeeds and the other is a double free. Generation counts the
 * chunk's allocations (1 for the first, never 0 once allocated, wrapping past 2^32-1 to 1).
 */
public final class ChunkHeaderDescriptor
{
    public static final int NEXT_OFFSET = 0;
    public static final int STATE_WORD_OFFSET = 8;
    public static final int OWNER_PID_OFFSET = 16;
    public static final int REQUESTED_SIZE_OFFSET = 20;
    public static final int ALLOCATED_AT_OFFSET = 24;
    public static final int HISTORY_HANDLE_OFFSET = 32;
    public static final int FREED_BY_PID_OFFSET = 40;
    public static final int LENGTH = 48;

    /** Carved into a page but never handed out and never on a list: what a refill killed mid-way leaves. */
    public static final int STATE_UNUSED = 0;
    public static final int STATE_FREE = 1;
    public static final int STATE_ALLOCATED = 2;
    /** Freed, held back from reuse (or being freed right now, when the quarantine is off). */
    public static final int STATE_QUARANTINED = 3;

    private ChunkHeaderDescriptor()
    {
    }

    public static long stateWord(final int state, final int sizeClass, final int generation)
    {
        return (long)(state & 0xFF) << 32 | (long)(sizeClass & 0xFF) << 40 | (generation & 0xFFFF_FFFFL);
    }

    public static int state(final long stateWord)
    {
        return (int)(stateWord >>> 32) & 0xFF;
    }

    public static int sizeClass(final long stateWord)
    {
        return (int)(stateWord >>> 40) & 0xFF;
    }

    public static int generation(final long stateWord)
    {
        return (int)stateWord;
    }

    /** The generation after {@code generation}: 1, 2, ..., 2^32-1, 1 (0 means never allocated). */
    public static int nextGeneration(final int generation)
    {
        return generation == -1 ? 1 : generation + 1;
    }

    public static String stateName(final int state)
    {
        switch (state)
        {
            case STATE_UNUSED: return "unused";
            case STATE_FREE: return "free";
            case STATE_ALLOCATED: return "allocated";
            case STATE_QUARANTINED: return "quarantined";
            default: return "corrupt state " + state;
        }
    }
}
