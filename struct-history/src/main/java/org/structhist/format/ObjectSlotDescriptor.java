package org.structhist.format;

/**
 * Layout of one object slot of a list: a {@link #HEADER_LENGTH}-byte header followed by Events Per
 * Object event records (see {@link EventDescriptor}). A slot holds one incarnation of an object at a
 * time; a push of the list wraps round the window and gives the slot a new generation.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  State (long, CAS):  Generation (32) | Unref (1) | Count (31)  |  0
 *  |  Claimed Ref Delta (long, CAS): Generation (32) | Delta (i32)   |  8
 *  |  Header Generation (released last)  |  Creator Thread Id       | 16
 *  |  Push Number (long)                                            | 24
 *  |  Address (long)                                                | 32
 *  |  Push Time, System.nanoTime of the creator (long)              | 40
 *  |  Creator Pid                        |  Header Checksum         | 48
 *  |  Unref Time, System.nanoTime of the unref caller (long)        | 56
 *  +---------------------------------------------------------------+
 *  |  Stale Events Dropped here (long, atomic)                      | 64
 *  |  Evicted Ref Delta (long, CAS): Generation (32) | Delta (i32)   | 72
 *  |  reserved, zero, up to 128                                     | 80
 *  +---------------------------------------------------------------+
 *  |  Event records: Events Per Object x Entry Size                 |128
 *  +---------------------------------------------------------------+
 * </pre>
 * <b>Claimed Ref Delta</b> keeps what the audit needs beyond the ring: the net effect on the object's
 * count (+1 per REF, -1 per UNREF verb) of every event position claimed for the occupant, kept or
 * dropped. It sits beside State, on the cache line the claim has just taken, and carries the generation
 * it belongs to: a push stores {@code (gen, 0)} forward only, a writer adds its event's delta by a CAS
 * that only succeeds while the word still holds its handle's generation, so a stale writer can never
 * change the next occupant's sum (it attributes its delta to the evicted push instead, see
 * {@link ListDescriptor}). A writer killed between its claim and this CAS loses its event's delta (its
 * record is then in flight as well).
 * <p>
 * <b>Evicted Ref Delta</b> keeps the previous occupant's net at eviction: the Claimed Ref Delta word the
 * push replaced, as it was (generation and net), stored forward only. With the net of the events refused
 * through the evicted push's stale handles (its word in the list's Stale Handle Table), the audit knows the
 * net of that incarnation's whole life, so an extra UNREF through a stale handle is still that object's bug.
 * Bounded: it is kept until the slot is pushed once more (push {@code n + 2 * window} for push {@code n});
 * after that the net at eviction of push {@code n} is unknown, and its stale events are information only.
 * <b>State</b> is the one word writers race on. Its high 32 bits are the generation of the current
 * occupant (0: never used). Count is how many event positions that occupant has claimed; a writer
 * claims position {@code p} by a CAS from {@code (gen, p)} to {@code (gen, p + 1)}, and only while the
 * generation is still the one its handle carries: a stale handle's CAS cannot succeed, so its event
 * is counted in Stale Events Dropped instead of being written. Unref is set by {@code sh.unref()}.
 * <p>
 * <b>Header Generation</b>: a push CASes State to {@code (gen, 0)} (only if State holds an older
 * generation: a push whose slot a later push already took is born stale and writes nothing), moves
 * Claimed Ref Delta to {@code (gen, 0)}, reads State again (and stops if a later push took the slot meanwhile),
 * writes Push Number, Address, Push Time, creator, Unref Time = 0 and Header Checksum, resets Stale Events
 * Dropped, then release-stores Header Generation = gen. A reader trusts the header only when Header
 * Generation equals the generation in State, read before and after the fields, and Header Checksum
 * matches: two pushes racing for one slot (a window smaller than the pushes in flight) can leave
 * the fields of both mixed, and the checksum is what tells.
 * <p>
 * <b>Generations</b> are {@code (pushNumber / window) mod (2^32 - 1) + 1}: never 0, and compared as
 * serial numbers ({@code (int)(a - b) > 0} means a is newer), so a slot keeps working after 2^32
 * pushes.
 * <p>
 * <b>Which record holds position p</b>: with {@code P} pinned first events and {@code E} events per
 * object, positions below {@code P} are in records {@code 0..P-1} for good (birth is never
 * overwritten); later positions share the ring of the other {@code R = E - P} records:
 * {@code record(p) = p < P ? p : P + (p - P) % R}. With count {@code c}, the kept positions are
 * {@code [0, min(c, P))} and {@code [max(P, c - R), c)}; {@code max(0, c - E)} were dropped between.
 */
public final class ObjectSlotDescriptor
{
    public static final int HEADER_LENGTH = 128;

    public static final int STATE_OFFSET = 0;
    public static final int CLAIMED_REF_DELTA_OFFSET = 8;
    public static final int HEADER_GENERATION_OFFSET = 16;
    public static final int CREATOR_THREAD_ID_OFFSET = 20;
    public static final int PUSH_NUMBER_OFFSET = 24;
    public static final int ADDRESS_OFFSET = 32;
    public static final int PUSH_TIME_OFFSET = 40;
    public static final int CREATOR_PID_OFFSET = 48;
    public static final int HEADER_CHECKSUM_OFFSET = 52;
    public static final int UNREF_TIME_OFFSET = 56;
    public static final int STALE_EVENTS_DROPPED_OFFSET = 64;
    public static final int EVICTED_REF_DELTA_OFFSET = 72;

    public static final long UNREF_BIT = 1L << 31;
    public static final long COUNT_MASK = UNREF_BIT - 1;
    /** A count at this value refuses further events instead of wrapping into the Unref bit. */
    public static final long MAX_COUNT = COUNT_MASK;

    public static int generation(final long state)
    {
        return (int)(state >>> 32);
    }

    public static int count(final long state)
    {
        return (int)(state & COUNT_MASK);
    }

    public static boolean isUnref(final long state)
    {
        return (state & UNREF_BIT) != 0;
    }

    public static long state(final int generation, final int count)
    {
        return ((long)generation << 32) | (count & COUNT_MASK);
    }

    /** A Claimed Ref Delta word: the generation it belongs to and the net REF/UNREF effect claimed. */
    public static long refDeltaWord(final int generation, final int delta)
    {
        return ((long)generation << 32) | (delta & 0xFFFF_FFFFL);
    }

    public static int refDeltaGeneration(final long refDeltaWord)
    {
        return (int)(refDeltaWord >>> 32);
    }

    public static int refDelta(final long refDeltaWord)
    {
        return (int)refDeltaWord;
    }

    /** Generation of push number {@code pushNumber} in a list of {@code window} slots; never 0. */
    public static int generationOf(final long pushNumber, final int window)
    {
        return (int)((pushNumber / window) % 0xFFFF_FFFFL) + 1;
    }

    /** Whether generation {@code a} is newer than {@code b} (serial-number order, wrap-safe). */
    public static boolean isNewer(final int a, final int b)
    {
        return a - b > 0;
    }

    /**
     * Header Checksum: the event checksum's mix over the header fields a push writes, so a header
     * whose fields come from two racing pushes is not taken for either.
     */
    public static int headerChecksum(
        final int generation,
        final long pushNumber,
        final long address,
        final long pushTime,
        final int creatorPid,
        final int creatorThreadId)
    {
        long h = EventChecksum.mix(EventChecksum.SEED, generation & 0xFFFF_FFFFL);
        h = EventChecksum.mix(h, pushNumber);
        h = EventChecksum.mix(h, address);
        h = EventChecksum.mix(h, pushTime);
        h = EventChecksum.mix(h, (creatorPid & 0xFFFF_FFFFL) | ((long)creatorThreadId << 32));
        return EventChecksum.fold(h);
    }

    public static int slotLength(final int eventsPerObject, final int entrySize)
    {
        return HEADER_LENGTH + eventsPerObject * entrySize;
    }

    public static int recordIndex(final long position, final int pinnedFirst, final int eventsPerObject)
    {
        return position < pinnedFirst ?
            (int)position : pinnedFirst + (int)((position - pinnedFirst) % (eventsPerObject - pinnedFirst));
    }

    private ObjectSlotDescriptor()
    {
    }
}
