package org.structhist.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.EventChecksum;
import org.structhist.format.HandleDescriptor;
import org.structhist.format.ListDescriptor;
import org.structhist.io.ProcessIdentity;

import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicLong;

import static org.structhist.format.EventDescriptor.CHECKSUM_OFFSET;
import static org.structhist.format.EventDescriptor.FLAGS_OFFSET;
import static org.structhist.format.EventDescriptor.FLAG_CHECKSUM;
import static org.structhist.format.EventDescriptor.FLAG_COARSE_CLOCK;
import static org.structhist.format.EventDescriptor.FORMAT_ID_OFFSET;
import static org.structhist.format.EventDescriptor.MAX_ARGS;
import static org.structhist.format.EventDescriptor.PAYLOAD_OFFSET;
import static org.structhist.format.EventDescriptor.PID_OFFSET;
import static org.structhist.format.EventDescriptor.STACK_ID_OFFSET;
import static org.structhist.format.EventDescriptor.STAMP_OFFSET;
import static org.structhist.format.EventDescriptor.THREAD_ID_OFFSET;
import static org.structhist.format.EventDescriptor.TIMESTAMP_OFFSET;
import static org.structhist.format.EventDescriptor.VERB_ID_OFFSET;
import static org.structhist.format.EventDescriptor.payloadLongs;
import static org.structhist.format.EventDescriptor.stamp;
import static org.structhist.format.ObjectSlotDescriptor.ADDRESS_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.CLAIMED_REF_DELTA_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.CREATOR_PID_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.CREATOR_THREAD_ID_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.EVICTED_REF_DELTA_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.HEADER_CHECKSUM_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.HEADER_GENERATION_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.HEADER_LENGTH;
import static org.structhist.format.ObjectSlotDescriptor.MAX_COUNT;
import static org.structhist.format.ObjectSlotDescriptor.PUSH_NUMBER_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.PUSH_TIME_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.STALE_EVENTS_DROPPED_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.STATE_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.UNREF_BIT;
import static org.structhist.format.ObjectSlotDescriptor.UNREF_TIME_OFFSET;
import static org.structhist.format.ObjectSlotDescriptor.count;
import static org.structhist.format.ObjectSlotDescriptor.generation;
import static org.structhist.format.ObjectSlotDescriptor.headerChecksum;
import static org.structhist.format.ObjectSlotDescriptor.isNewer;
import static org.structhist.format.ObjectSlotDescriptor.isUnref;
import static org.structhist.format.ObjectSlotDescriptor.refDelta;
import static org.structhist.format.ObjectSlotDescriptor.refDeltaGeneration;
import static org.structhist.format.ObjectSlotDescriptor.refDeltaWord;
import static org.structhist.format.ObjectSlotDescriptor.slotLength;
import static org.structhist.format.ObjectSlotDescriptor.state;

/**
 * The write protocol of one list's slots (docs/FORMAT.md, "Push" and "Log"), in one place for every kind
 * of event: push a slot, claim an event position, open the record, write its header and payload (long
 * arguments or packed text), its checksum, and commit it with one release-store of its stamp; mark a slot
 * released. {@code HistoryList} keeps the API and looks up the ids; this class only writes.
 * <p>
 * The list's geometry is fixed when it is opened, so everything derived from it is computed here once: the
 * window and the record ring are divided by their {@link FixedDivisor} magic (no division instruction), the counters'
 * offsets are absolute, the flags every event of the list carries are folded into one int, and the coarse
 * clock is held directly.
 * <p>
 * An event's claim and record are written at raw addresses ({@code UnsafeApi} with the mapping's base
 * address), not through the {@code UnsafeBuffer}: every buffer access re-reads the buffer's address, array and
 * capacity fields (the JIT cannot prove a store into the mapping leaves them alone) and checks bounds, about
 * 12 ns of a 37 ns event on the benchmark machine (benchmarks/RESULTS.md, issue 13). The bounds are checked once
 * instead, when the writer is made: every address an event computes lies inside the list's region, because
 * the slot index is a remainder of the window and the record index is below Events Per Object, and the region
 * was checked against the file's length when the file was opened ({@code FileLayout.read}) and again here.
 * <p>
 * Like every writer, it never trusts the file: the state and ref-delta words it reads are only compared or
 * masked before an offset is computed (docs/DESIGN.md, "Values a writer reads from the file"), and every
 * CAS loop is bounded by {@link WriterChecks#MAX_CAS_ATTEMPTS}.
 */
public final class SlotWriter
{
    private static final long PUSH_NUMBER_MASK = HandleDescriptor.PUSH_NUMBER_MASK;
    private static final int PID = (int)ProcessIdentity.PID;
    /** A generation is {@code (pushNumber / window) mod GENERATIONS + 1}: never 0 (ObjectSlotDescriptor). */
    private static final long GENERATIONS = 0xFFFF_FFFFL;

    static
    {
        // writeRecord stores Pid with Thread Id, and Verb Id with Flags and Format, as one long each.
        if (THREAD_ID_OFFSET != PID_OFFSET + Integer.BYTES || FLAGS_OFFSET != VERB_ID_OFFSET + Short.BYTES ||
            FORMAT_ID_OFFSET != VERB_ID_OFFSET + Integer.BYTES)
        {
            throw new ExceptionInInitializerError("EventDescriptor no longer pairs the fields writeRecord pairs");
        }
    }

    private final UnsafeBuffer buffer;
    /** The address of the mapping's byte 0: the buffer's own base, fixed for the life of the mapping. */
    private final long base;
    private final long handleTag;
    private final int pushCursorOffset;
    private final int staleDroppedOffset;
    private final int refusedOffset;
    private final int foreignClaimsOffset;
    private final int staleUnattributedOffset;
    private final int entryOffset;
    private final int regionOffset;
    /** The window: how many slots the list has. */
    private final int window;
    /** {@link FixedDivisor#magic} of the window. */
    private final long windowMagic;
    private final int slotLength;
    private final int pinnedFirst;
    /** The ring of a slot's records after its pinned first ones: Events Per Object - Pinned First. */
    private final int ring;
    /** {@link FixedDivisor#magic} of the ring. */
    private final long ringMagic;
    private final int entrySize;
    private final int payloadLongs;
    private final boolean checksums;
    private final CachedNanoClock coarseClock;
    private final int listFlags;
    /** In process memory, never in the file: a file that refuses writes cannot be trusted to count them. */
    private final AtomicLong writesRefused = new AtomicLong();

    /**
     * @param coarseClock the clock events take their time from, or null for {@code System.nanoTime()}.
     */
    public SlotWriter(
        final UnsafeBuffer buffer,
        final ListDirectory.Entry entry,
        final boolean checksums,
        final CachedNanoClock coarseClock)
    {
        this.buffer = buffer;
        this.base = buffer.addressOffset();
        this.handleTag = HandleDescriptor.listTag(entry.index);
        this.entryOffset = entry.entryOffset;
        this.pushCursorOffset = entry.entryOffset + ListDescriptor.PUSH_CURSOR_OFFSET;
        this.staleDroppedOffset = entry.entryOffset + ListDescriptor.STALE_EVENTS_DROPPED_OFFSET;
        this.refusedOffset = entry.entryOffset + ListDescriptor.EVENTS_REFUSED_OFFSET;
        this.foreignClaimsOffset = entry.entryOffset + ListDescriptor.FOREIGN_HANDLE_CLAIMS_OFFSET;
        this.staleUnattributedOffset = entry.entryOffset + ListDescriptor.STALE_EVENTS_UNATTRIBUTED_OFFSET;
        this.regionOffset = entry.regionOffset;
        this.window = entry.window;
        this.windowMagic = FixedDivisor.magic(entry.window);
        this.slotLength = slotLength(entry.eventsPerObject, entry.entrySize);
        this.pinnedFirst = entry.pinnedFirst;
        this.ring = entry.eventsPerObject - entry.pinnedFirst;
        this.ringMagic = FixedDivisor.magic(ring);
        this.entrySize = entry.entrySize;
        this.payloadLongs = payloadLongs(entry.entrySize);
        this.checksums = checksums;
        this.coarseClock = coarseClock;
        this.listFlags = (coarseClock != null ? FLAG_COARSE_CLOCK : 0) | (checksums ? FLAG_CHECKSUM : 0);
        final long regionEnd = (long)regionOffset + (long)entry.window * slotLength;
        if (buffer.byteArray() != null || regionOffset < 0 || regionEnd > buffer.capacity())
        {
            // FileLayout.read and ListDirectory checked the region already: the raw stores lean on it, so say it here.
            throw new IllegalStateException("list region [" + regionOffset + ", " + regionEnd +
                ") does not lie inside the mapped file of " + buffer.capacity() + " bytes");
        }
    }

    /** Whether {@code handle} was made by this list (by any process). */
    public boolean owns(final long handle)
    {
        return (handle & ~PUSH_NUMBER_MASK) == handleTag;
    }

    /** Operations refused because of what this process found in the file (see {@code HistoryList}). */
    public long writesRefused()
    {
        return writesRefused.get();
    }

    /** Counts a refused operation; returns the null handle, which no list owns, so its logs are no-ops. */
    public long refused()
    {
        writesRefused.getAndIncrement();
        return 0;
    }

    /**
     * Offset in the file of the slot of push {@code pushNumber}, whose window quotient is {@code quotient}: slot
     * {@code pushNumber mod window} of the list's region.
     */
    private int slotOffset(final long pushNumber, final long quotient)
    {
        return regionOffset + FixedDivisor.remainder(pushNumber, quotient, windowMagic, window) * slotLength;
    }

    /** {@code ringPosition mod ring}: which of the ring's records a position past the pinned ones takes. */
    private int ringIndex(final int ringPosition)
    {
        return FixedDivisor.remainder(ringPosition, ringMagic, ring);
    }

    /** Generation of push {@code pushNumber} from its window quotient: what ObjectSlotDescriptor.generationOf gives. */
    private static int generationOfQuotient(final long quotient)
    {
        return (int)(quotient < GENERATIONS ? quotient : quotient % GENERATIONS) + 1;
    }

    /**
     * Takes the window's next slot for a new incarnation of {@code address}; its handle, or 0 when refused.
     * A push whose slot a later push already took is born stale: it writes nothing and its handle's events
     * are counted as dropped.
     */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
    public long push(final long address)
    {
        final long pushNumber = buffer.getAndAddLong(pushCursorOffset, 1);
        if (!WriterChecks.isPushNumber(pushNumber, HandleDescriptor.LIST_SHIFT))
        {
            return refused(); // a Push Cursor set from outside: its slot would lie outside the list's region
        }
        final long quotient = FixedDivisor.quotient(pushNumber, windowMagic, window);
        final int generation = generationOfQuotient(quotient);
        final int slotOffset = slotOffset(pushNumber, quotient);
        final int stateOffset = slotOffset + STATE_OFFSET;
        final long handle = handleTag | pushNumber;
        for (int attempt = 0; ; attempt++)
        {
            if (attempt == WriterChecks.MAX_CAS_ATTEMPTS)
            {
                return refused();
            }
            final long state = buffer.getLongVolatile(stateOffset);
            final int current = generation(state);
            if (current != 0 && !isNewer(generation, current))
            {
                return handle; // born stale: a later push already took the slot
            }
            if (buffer.compareAndSetLong(stateOffset, state, state(generation, 0)))
            {
                break;
            }
        }
        final long pushTime = System.nanoTime();
        final int threadId = (int)Thread.currentThread().getId();
        final int checksum = headerChecksum(generation, pushNumber, address, pushTime, PID, threadId);
        publishForward(slotOffset, generation);
        // Everything the header needs is computed: the slot is checked once more right before its stores,
        // so a push that stalled after its state CAS while the window wrapped never writes its fields over
        // the header of the slot's next occupant (the plain stores below are not guarded otherwise). The
        // stores follow the check at once, the volatile reset of the stale count after them: what is left
        // is a push overtaken in these few instructions (FORMAT.md, Known limitations).
        if (generation(buffer.getLongVolatile(stateOffset)) != generation)
        {
            return handle;
        }
        buffer.putLong(slotOffset + PUSH_NUMBER_OFFSET, pushNumber);
        buffer.putLong(slotOffset + ADDRESS_OFFSET, address);
        buffer.putLong(slotOffset + PUSH_TIME_OFFSET, pushTime);
        buffer.putInt(slotOffset + CREATOR_PID_OFFSET, PID);
        buffer.putInt(slotOffset + CREATOR_THREAD_ID_OFFSET, threadId);
        buffer.putLong(slotOffset + UNREF_TIME_OFFSET, 0);
        buffer.putInt(slotOffset + HEADER_CHECKSUM_OFFSET, checksum);
        buffer.putLongVolatile(slotOffset + STALE_EVENTS_DROPPED_OFFSET, 0);
        publishHeader(slotOffset + HEADER_GENERATION_OFFSET, generation);
        return handle;
    }

    /**
     * Release-stores Header Generation, but never backwards: a push that stalled while a later push
     * took the slot must not mark the later header as untrusted (the CAS is the release).
     */
    private void publishHeader(final int headerGenerationOffset, final int generation)
    {
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final int published = buffer.getIntVolatile(headerGenerationOffset);
            if ((published != 0 && !isNewer(generation, published)) ||
                buffer.compareAndSetInt(headerGenerationOffset, published, generation))
            {
                return;
            }
        }
    }

    /**
     * Moves the slot's Claimed Ref Delta to {@code (generation, 0)}, never backwards: a push that stalled
     * while a later push took the slot must not take the word from the later occupant. The word it replaced
     * is the evicted occupant's net at eviction: kept in Evicted Ref Delta, whose late stale events add to it.
     */
    private void publishForward(final int slotOffset, final int generation)
    {
        final int refDeltaOffset = slotOffset + CLAIMED_REF_DELTA_OFFSET;
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long word = buffer.getLongVolatile(refDeltaOffset);
            final int current = refDeltaGeneration(word);
            if (current != 0 && !isNewer(generation, current))
            {
                return;
            }
            if (buffer.compareAndSetLong(refDeltaOffset, word, refDeltaWord(generation, 0)))
            {
                if (current != 0)
                {
                    keepEvictedRefDelta(slotOffset + EVICTED_REF_DELTA_OFFSET, word);
                }
                return;
            }
        }
    }

    /**
     * Stores an evicted occupant's Claimed Ref Delta word forward only: two pushes racing for the slot must
     * not leave the older eviction's word over the newer one's.
     */
    private void keepEvictedRefDelta(final int evictedOffset, final long evictedWord)
    {
        final int evicted = refDeltaGeneration(evictedWord);
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long kept = buffer.getLongVolatile(evictedOffset);
            final int keptGeneration = refDeltaGeneration(kept);
            if ((keptGeneration != 0 && !isNewer(evicted, keptGeneration)) ||
                buffer.compareAndSetLong(evictedOffset, kept, evictedWord))
            {
                return;
            }
        }
    }

    /**
     * Writes one event to the incarnation {@code handle}: claims its position, opens its record (stamp 0,
     * fenced: the first half of the record's seqlock), writes the header, the payload and the checksum, and
     * commits it with one release-store of the stamp. The payload is {@code arg0..arg2} (then zeros) when
     * {@code text} is null, else the {@code payloadLongs} longs of {@code text} (this thread's scratch copy,
     * from which the checksum is taken too: never from the record, which a stale writer may be changing).
     *
     * @param refDelta       the verb's effect on the object's count: +1, -1 or 0.
     * @param onlyIfReleased claim only while the incarnation is released (one CAS with the claim).
     * @param eventFlags     the event's own flags; the list's (clock, checksum) are added here.
     * @return whether the event was claimed: false for a foreign, stale or saturated handle (each counted),
     *         or a released-only event on an incarnation not released.
     */
    public boolean write(
        final long handle,
        final int refDelta,
        final boolean onlyIfReleased,
        final int threadId,
        final int verbId,
        final int eventFlags,
        final int formatId,
        final int stackId,
        final long arg0,
        final long arg1,
        final long arg2,
        final long[] text)
    {
        if ((handle & ~PUSH_NUMBER_MASK) != handleTag)
        {
            buffer.getAndAddLong(foreignClaimsOffset, 1);
            return false;
        }
        final long pushNumber = handle & PUSH_NUMBER_MASK;
        final long quotient = FixedDivisor.quotient(pushNumber, windowMagic, window);
        final int generation = generationOfQuotient(quotient);
        final int slotOffset = slotOffset(pushNumber, quotient);
        final long slot = base + slotOffset;
        final int position = claimPosition(slot, slotOffset, generation, pushNumber, refDelta, onlyIfReleased);
        if (position < 0)
        {
            return false;
        }
        if (refDelta != 0)
        {
            addClaimedRefDelta(slot, generation, pushNumber, refDelta);
        }
        final long stamp = stamp(generation, position);
        final int recordIndex =
            position < pinnedFirst ? position : pinnedFirst + ringIndex(position - pinnedFirst);
        final long record = slot + HEADER_LENGTH + (long)recordIndex * entrySize;
        writeRecord(record, stamp, threadId, verbId, eventFlags, formatId, stackId, arg0, arg1, arg2, text);
        // The stores above use the mapping's address, not the buffer: keep the buffer (whose collection
        // unmaps the file once it is closed) reachable until the last of them is done.
        Reference.reachabilityFence(buffer);
        return true;
    }

    /**
     * Opens the claimed record (stamp 0, fenced), writes its header, payload and checksum, and commits it
     * with one release-store of the stamp. A method of its own, like the payload's two forms, so that each
     * stays under HotSpot's inlining limit for hot methods (FreqInlineSize, 325 bytecodes): one method of 600
     * was called, not inlined, and a call with twelve arguments per event cost more than the divisions this
     * class removed.
     */
    private void writeRecord(
        final long record,
        final long stamp,
        final int threadId,
        final int verbId,
        final int eventFlags,
        final int formatId,
        final int stackId,
        final long arg0,
        final long arg1,
        final long arg2,
        final long[] text)
    {
        UnsafeApi.putLong(record + STAMP_OFFSET, 0L);
        VarHandle.storeStoreFence();

        final long timestamp = coarseClock != null ? coarseClock.nanoTime() : System.nanoTime();
        final int flags = listFlags | eventFlags;
        // Pid and Thread Id, then Verb Id, Flags and Format, each pair one little-endian long (FileLayout
        // refuses a big-endian machine): the same bytes as their separate stores, in fewer instructions.
        final long writer = ((long)threadId << 32) | (PID & 0xFFFF_FFFFL);
        final long what = ((long)formatId << 32) | (verbId & 0xFFFFL) | ((flags & 0xFFFFL) << 16);
        UnsafeApi.putLong(record + TIMESTAMP_OFFSET, timestamp);
        UnsafeApi.putLong(record + PID_OFFSET, writer);
        UnsafeApi.putLong(record + VERB_ID_OFFSET, what);
        UnsafeApi.putInt(record + STACK_ID_OFFSET, stackId);
        final long headerHash = checksums ?
            EventChecksum.headerHash(stamp, timestamp, PID, threadId, verbId, flags, formatId, stackId) : 0;
        final long payload = record + PAYLOAD_OFFSET;
        final long hash = text == null ?
            writeArgs(payload, arg0, arg1, arg2, headerHash) : writeText(payload, text, headerHash);
        UnsafeApi.putInt(record + CHECKSUM_OFFSET, checksums ? EventChecksum.fold(hash) : 0);
        UnsafeApi.putLongRelease(null, record + STAMP_OFFSET, stamp);
    }

    /** Writes three arguments and the payload's unused longs as zeros; returns the hash continued over them. */
    private long writeArgs(final long payload, final long arg0, final long arg1, final long arg2, final long hash)
    {
        UnsafeApi.putLong(payload, arg0);
        UnsafeApi.putLong(payload + 8, arg1);
        UnsafeApi.putLong(payload + 16, arg2);
        for (int i = MAX_ARGS; i < payloadLongs; i++)
        {
            UnsafeApi.putLong(payload + ((long)i << 3), 0L);
        }
        if (!checksums)
        {
            return 0;
        }
        long mixed = EventChecksum.mix(EventChecksum.mix(EventChecksum.mix(hash, arg0), arg1), arg2);
        for (int i = MAX_ARGS; i < payloadLongs; i++)
        {
            mixed = EventChecksum.mix(mixed, 0L);
        }
        return mixed;
    }

    /** Writes a text payload from this thread's scratch copy; returns the hash continued over it. */
    private long writeText(final long payload, final long[] text, final long hash)
    {
        long mixed = hash;
        for (int i = 0; i < payloadLongs; i++)
        {
            final long value = text[i];
            UnsafeApi.putLong(payload + ((long)i << 3), value);
            mixed = checksums ? EventChecksum.mix(mixed, value) : 0;
        }
        return mixed;
    }

    /**
     * Claims the next event position of generation {@code generation} in the slot: a CAS on the state
     * word that can only succeed while the slot still holds that generation. -1 if it does not (the
     * handle is stale: the event is counted, never written) or the count is saturated.
     */
    private int claimPosition(
        final long slot, final int slotOffset, final int generation, final long pushNumber, final int refDelta,
        final boolean onlyIfReleased)
    {
        final long stateAddress = slot + STATE_OFFSET;
        for (int attempt = 0; ; attempt++)
        {
            if (attempt == WriterChecks.MAX_CAS_ATTEMPTS)
            {
                refused();
                return -1;
            }
            final long state = UnsafeApi.getLongVolatile(null, stateAddress);
            final int current = generation(state);
            if (current != generation)
            {
                refuseUnclaimable(slotOffset, current, generation, pushNumber, refDelta);
                return -1;
            }
            if (onlyIfReleased && !isUnref(state))
            {
                return -1; // not released: whoever holds this handle now, it is not a freed object's
            }
            final int count = count(state);
            if (count >= MAX_COUNT)
            {
                buffer.getAndAddLong(refusedOffset, 1);
                return -1;
            }
            if (UnsafeApi.compareAndSetLong(null, stateAddress, state, state + 1))
            {
                return count;
            }
        }
    }

    /**
     * Adds a claimed event's effect to the slot's Claimed Ref Delta while the word is still its
     * generation's; if the slot was pushed again since the claim, the effect belongs to the evicted push.
     */
    private void addClaimedRefDelta(final long slot, final int generation, final long pushNumber, final int delta)
    {
        final long address = slot + CLAIMED_REF_DELTA_OFFSET;
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long word = UnsafeApi.getLongVolatile(null, address);
            if (refDeltaGeneration(word) != generation)
            {
                recordStaleEvent(pushNumber, delta);
                return;
            }
            if (UnsafeApi.compareAndSetLong(null, address, word, refDeltaWord(generation, refDelta(word) + delta)))
            {
                return;
            }
        }
    }

    /**
     * Counts an event whose handle's generation is not the slot's: a stale handle (the slot holds a newer
     * generation) is counted as stale and attributed to its push; a handle newer than anything the slot
     * held was never made by a push of this list (garbage), and is counted as a foreign claim.
     */
    private void refuseUnclaimable(
        final int slotOffset, final int current, final int generation, final long pushNumber, final int refDelta)
    {
        if (current == 0 || isNewer(generation, current))
        {
            buffer.getAndAddLong(foreignClaimsOffset, 1);
            return;
        }
        buffer.getAndAddLong(staleDroppedOffset, 1);
        buffer.getAndAddLong(slotOffset + STALE_EVENTS_DROPPED_OFFSET, 1);
        recordStaleEvent(pushNumber, refDelta);
    }

    /**
     * Counts an event logged through the handle of push {@code pushNumber} after it left the window in the
     * list's Stale Handle Table (see {@link ListDescriptor}): one CAS on the word of that push, which a
     * newer push takes over; what cannot be attributed is counted in Stale Events Unattributed.
     */
    private void recordStaleEvent(final long pushNumber, final int delta)
    {
        final int offset = ListDescriptor.staleWordOffset(entryOffset, pushNumber);
        final int tag = (int)pushNumber;
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long word = buffer.getLongVolatile(offset);
            final int events = ListDescriptor.staleEvents(word);
            final long next;
            long unattributed = 0;
            if (events != 0 && ListDescriptor.staleTag(word) == tag)
            {
                final int sum = ListDescriptor.staleRefDelta(word) + delta;
                if (events >= ListDescriptor.MAX_STALE_EVENTS || Math.abs(sum) > ListDescriptor.MAX_STALE_REF_DELTA)
                {
                    buffer.getAndAddLong(staleUnattributedOffset, 1);
                    return;
                }
                next = ListDescriptor.staleWord(pushNumber, events + 1, sum);
            }
            else if (events == 0 || isNewer(tag, ListDescriptor.staleTag(word)))
            {
                next = ListDescriptor.staleWord(pushNumber, 1, delta);
                unattributed = events;
            }
            else
            {
                buffer.getAndAddLong(staleUnattributedOffset, 1);
                return;
            }
            if (buffer.compareAndSetLong(offset, word, next))
            {
                if (unattributed != 0)
                {
                    buffer.getAndAddLong(staleUnattributedOffset, unattributed);
                }
                return;
            }
        }
    }

    /** Sets the Unref bit of the incarnation {@code handle} (a handle this list owns) and its Unref Time. */
    public void unref(final long handle)
    {
        final long pushNumber = handle & PUSH_NUMBER_MASK;
        final long quotient = FixedDivisor.quotient(pushNumber, windowMagic, window);
        final int generation = generationOfQuotient(quotient);
        final int stateOffset = slotOffset(pushNumber, quotient) + STATE_OFFSET;
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long state = buffer.getLongVolatile(stateOffset);
            if (generation(state) != generation || isUnref(state))
            {
                return;
            }
            if (buffer.compareAndSetLong(stateOffset, state, state | UNREF_BIT))
            {
                buffer.putLongRelease(stateOffset - STATE_OFFSET + UNREF_TIME_OFFSET, System.nanoTime());
                return;
            }
        }
        refused(); // the state word changed under every attempt
    }
}
