package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.EventChecksum;
import org.structhist.format.HandleDescriptor;
import org.structhist.format.ListDescriptor;
import org.structhist.format.StringTableDescriptor;
import org.structhist.internal.ListDirectory;
import org.structhist.internal.WriterChecks;
import org.structhist.internal.WriterThread;
import org.structhist.io.ProcessIdentity;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import static org.structhist.format.EventDescriptor.*;
import static org.structhist.format.ObjectSlotDescriptor.*;

/**
 * A sliding window over the histories of the last {@code window} objects of one kind (OpenSIPS
 * {@code shl_init}). {@link #push} starts a history, {@link History#log} appends to it.
 * <p>
 * Everything here is lock-free and allocation-free but {@link #push}, which makes one small
 * {@link History}; {@link #pushHandle} and the {@code log(handle, ...)} methods are the garbage-free
 * form. A handle is a long: it can be stored in shared memory and used from another process that has
 * the same list open.
 */
public final class HistoryList
{
    static final HistoryList DISABLED = new HistoryList();

    private static final long PUSH_NUMBER_MASK = HandleDescriptor.PUSH_NUMBER_MASK;
    private static final int PID = (int)ProcessIdentity.PID;
    /** Never a stamp: generations start at 1. */
    private static final long NOT_CLAIMED = 0;
    /** Passed with the argument flags (never stored): claim only while the incarnation is released. */
    private static final int ONLY_IF_RELEASED = 1 << 16;
    private static final int RECORD_FLAGS_MASK = 0xFFFF;

    private final HistoryFile file;
    private final UnsafeBuffer buffer;
    private final String name;
    private final ListOptions options;
    private final int listIndex;
    private final long handleTag;
    private final int pushCursorOffset;
    private final int staleDroppedOffset;
    private final int refusedOffset;
    private final int foreignClaimsOffset;
    private final int staleUnattributedOffset;
    private final int entryOffset;
    private final int regionOffset;
    private final int window;
    private final int eventsPerObject;
    private final int pinnedFirst;
    private final int entrySize;
    private final int slotLength;
    private final int payloadLongs;
    private final boolean coarseClock;
    private final boolean stacks;
    private final boolean checksums;
    private final int baseFlags;
    /** In process memory, never in the file: a file that refuses writes cannot be trusted to count them. */
    private final AtomicLong writesRefused = new AtomicLong();

    private HistoryList()
    {
        file = null;
        buffer = null;
        name = "";
        options = ListOptions.defaults();
        listIndex = -1;
        handleTag = 0;
        pushCursorOffset = 0;
        staleDroppedOffset = 0;
        refusedOffset = 0;
        foreignClaimsOffset = 0;
        staleUnattributedOffset = 0;
        entryOffset = 0;
        regionOffset = 0;
        window = 1;
        eventsPerObject = 2;
        pinnedFirst = 0;
        entrySize = MIN_ENTRY_SIZE;
        slotLength = 0;
        payloadLongs = 0;
        coarseClock = false;
        stacks = false;
        checksums = false;
        baseFlags = 0;
    }

    HistoryList(final HistoryFile file, final String name, final ListDirectory.Entry entry, final ListOptions options)
    {
        this.file = file;
        this.buffer = file.buffer();
        this.name = name;
        this.options = options;
        this.listIndex = entry.index;
        this.handleTag = HandleDescriptor.listTag(entry.index);
        this.pushCursorOffset = entry.entryOffset + ListDescriptor.PUSH_CURSOR_OFFSET;
        this.staleDroppedOffset = entry.entryOffset + ListDescriptor.STALE_EVENTS_DROPPED_OFFSET;
        this.refusedOffset = entry.entryOffset + ListDescriptor.EVENTS_REFUSED_OFFSET;
        this.foreignClaimsOffset = entry.entryOffset + ListDescriptor.FOREIGN_HANDLE_CLAIMS_OFFSET;
        this.staleUnattributedOffset = entry.entryOffset + ListDescriptor.STALE_EVENTS_UNATTRIBUTED_OFFSET;
        this.entryOffset = entry.entryOffset;
        this.regionOffset = entry.regionOffset;
        this.window = entry.window;
        this.eventsPerObject = entry.eventsPerObject;
        this.pinnedFirst = entry.pinnedFirst;
        this.entrySize = entry.entrySize;
        this.slotLength = slotLength(entry.eventsPerObject, entry.entrySize);
        this.payloadLongs = payloadLongs(entry.entrySize);
        this.coarseClock = options.clock() == ClockMode.COARSE;
        this.stacks = options.stacks();
        this.checksums = options.checksums();
        this.baseFlags = (coarseClock ? FLAG_COARSE_CLOCK : 0) | (checksums ? FLAG_CHECKSUM : 0);
    }

    public String name()
    {
        return name;
    }

    public ListOptions options()
    {
        return options;
    }

    /** The list's index in its file (0-based); -1 when disabled. */
    public int index()
    {
        return listIndex;
    }

    public HistoryFile file()
    {
        return file;
    }

    /**
     * Starts the history of a new incarnation of {@code address} (OpenSIPS {@code sh_push}). The
     * incarnation takes the window's oldest slot: the object that had it drops out of the window.
     */
    public History push(final long address)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return History.NOOP;
        }
        return new History(this, pushHandle(address));
    }

    /** {@link #push} without allocating: returns the new incarnation's handle. */
    public long pushHandle(final long address)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return 0;
        }
        try
        {
            return claimSlot(address);
        }
        catch (final InternalError fault)
        {
            file.survive(fault);
            return refused();
        }
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
    private long claimSlot(final long address)
    {
        if (file.isDetached())
        {
            return refused();
        }
        final long pushNumber = buffer.getAndAddLong(pushCursorOffset, 1);
        if (!WriterChecks.isPushNumber(pushNumber, HandleDescriptor.LIST_SHIFT))
        {
            return refused(); // a Push Cursor set from outside: its slot would lie outside the list's region
        }
        final int generation = generationOf(pushNumber, window);
        final int slotOffset = slotOffset(pushNumber);
        final int stateOffset = slotOffset + STATE_OFFSET;
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
                // A later push already took the slot (the window is smaller than the pushes in flight):
                // this incarnation is born stale, and its events will be counted as dropped.
                return handleTag | pushNumber;
            }
            if (buffer.compareAndSetLong(stateOffset, state, state(generation, 0)))
            {
                break;
            }
        }
        final long pushTime = System.nanoTime();
        final int threadId = (int)Thread.currentThread().getId();
        publishForward(slotOffset, generation);
        buffer.putLongVolatile(slotOffset + STALE_EVENTS_DROPPED_OFFSET, 0);
        buffer.putLong(slotOffset + PUSH_NUMBER_OFFSET, pushNumber);
        buffer.putLong(slotOffset + ADDRESS_OFFSET, address);
        buffer.putLong(slotOffset + PUSH_TIME_OFFSET, pushTime);
        buffer.putInt(slotOffset + CREATOR_PID_OFFSET, PID);
        buffer.putInt(slotOffset + CREATOR_THREAD_ID_OFFSET, threadId);
        buffer.putLong(slotOffset + UNREF_TIME_OFFSET, 0);
        buffer.putInt(slotOffset + HEADER_CHECKSUM_OFFSET,
            headerChecksum(generation, pushNumber, address, pushTime, PID, threadId));
        publishHeader(slotOffset + HEADER_GENERATION_OFFSET, generation);
        return handleTag | pushNumber;
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
     * Stores an evicted occupant's Claimed Ref Delta word forward only: two pushes racing for the slot must not
     * leave the older eviction's word over the newer one's.
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
     * A {@link History} for a handle from {@link History#handle()} or {@link #pushHandle}, possibly
     * made by another process.
     * <p>
     * The null handle 0, what {@link #pushHandle} returns for a push it refused (see {@link #writesRefused}),
     * gives the no-op History, as a refused {@link #push} does.
     *
     * @throws IllegalArgumentException if the handle belongs to another list.
     */
    public History history(final long handle)
    {
        if (!StructHistory.ENABLED || file == null || handle == 0)
        {
            return History.NOOP;
        }
        requireOwnHandle(handle);
        return new History(this, handle);
    }

    /** Whether {@code handle} was made by this list (by any process). */
    public boolean owns(final long handle)
    {
        return file != null && (handle & ~PUSH_NUMBER_MASK) == handleTag;
    }

    /** Logs an event with no arguments to the incarnation {@code handle}. */
    public void log(final long handle, final Verb verb, final String format)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, 0, 0, 0, 0);
    }

    /** Logs an event with one argument; {@code format} is formatted when the history is read. */
    public void log(final long handle, final Verb verb, final String format, final long arg0)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, 1, arg0, 0, 0);
    }

    public void log(final long handle, final Verb verb, final String format, final long arg0, final long arg1)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, 2, arg0, arg1, 0);
    }

    public void log(
        final long handle, final Verb verb, final String format, final long arg0, final long arg1, final long arg2)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, 3, arg0, arg1, arg2);
    }

    /**
     * Logs an event that carries the object's reference count after the operation ({@code count}, as the
     * caller's own atomic operation returned it: never a value read again later). The audit judges by it
     * rather than by the order events were logged in. {@link Integer#MIN_VALUE} reads as no count.
     */
    public void log(final long handle, final Verb verb, final int count, final String format)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, FLAG_COUNT, 0, 0, count);
    }

    /** Logs an event with a count (see {@link #log(long, Verb, int, String)}) and one argument. */
    public void log(final long handle, final Verb verb, final int count, final String format, final long arg0)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, FLAG_COUNT | 1, arg0, 0, count);
    }

    /** Logs an event with a count (see {@link #log(long, Verb, int, String)}) and two arguments. */
    public void log(
        final long handle, final Verb verb, final int count, final String format, final long arg0, final long arg1)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logLongs(handle, verb, format, FLAG_COUNT | 2, arg0, arg1, count);
    }

    /**
     * Logs an event with two arguments only while the incarnation is released ({@link #unref}): for a
     * use after free caught through a handle that a freed object's header still holds. Once the object's
     * memory is reused, the handle found there is the new occupant's, which is not released, so the old
     * object's events can never land in the new one's history (invariant 2). The check and the claim are
     * one CAS on the slot's state.
     *
     * @return whether the event was claimed; false when struct history is off, the incarnation is not
     *         released, or the handle is foreign, stale or saturated (those three are counted).
     */
    public boolean logIfReleased(
        final long handle, final Verb verb, final String format, final long arg0, final long arg1)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return false;
        }
        return logLongs(handle, verb, format, ONLY_IF_RELEASED | 2, arg0, arg1, 0);
    }

    /**
     * Logs an event whose one argument is text, copied into the record as UTF-8 (cut to fit the entry
     * size, flagged as cut). The text is not interned: any number of distinct texts costs nothing.
     */
    public void log(final long handle, final Verb verb, final String format, final CharSequence text)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        logText(handle, verb, format, text);
    }

    /**
     * Marks the incarnation released by its owner (OpenSIPS {@code sh_unref}). Its history stays in
     * the window until pushed out; later events are still recorded.
     */
    public void unref(final long handle)
    {
        if (!StructHistory.ENABLED || file == null || !owns(handle))
        {
            return;
        }
        try
        {
            markUnref(handle);
        }
        catch (final InternalError fault)
        {
            file.survive(fault);
            refused();
        }
    }

    private void markUnref(final long handle)
    {
        if (file.isDetached())
        {
            refused();
            return;
        }
        final long pushNumber = handle & PUSH_NUMBER_MASK;
        final int generation = generationOf(pushNumber, window);
        final int slotOffset = slotOffset(pushNumber);
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long state = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
            if (generation(state) != generation || isUnref(state))
            {
                return;
            }
            if (buffer.compareAndSetLong(slotOffset + STATE_OFFSET, state, state | UNREF_BIT))
            {
                buffer.putLongRelease(slotOffset + UNREF_TIME_OFFSET, System.nanoTime());
                return;
            }
        }
        refused(); // the state word changed under every attempt
    }

    /** Writes every incarnation in the window as text, oldest first (OpenSIPS {@code sh_list_flush}). */
    public void flush(final Appendable out)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        HistoryText.flushList(this, out);
    }

    /** Writes one incarnation's history as text (OpenSIPS {@code sh_flush}). */
    public void flush(final long handle, final Appendable out)
    {
        if (!StructHistory.ENABLED || file == null)
        {
            return;
        }
        requireOwnHandle(handle);
        HistoryText.flushHandle(this, handle, out);
    }

    static long pushNumber(final long handle)
    {
        return HandleDescriptor.pushNumber(handle);
    }

    private void requireOwnHandle(final long handle)
    {
        if (!owns(handle))
        {
            throw new IllegalArgumentException("handle 0x" + Long.toHexString(handle) +
                " is not of list '" + name + "'");
        }
    }

    /**
     * Writes one event of long arguments. {@code argFlags} is the argument count, plus {@link
     * EventDescriptor#FLAG_COUNT} when {@code arg2} is the count rather than an argument, plus
     * {@link #ONLY_IF_RELEASED} for {@link #logIfReleased}. Whether the event was claimed.
     */
    private boolean logLongs(
        final long handle,
        final Verb verb,
        final String format,
        final int argFlags,
        final long arg0,
        final long arg1,
        final long arg2)
    {
        try
        {
            return writeLongs(handle, verb, format, argFlags, arg0, arg1, arg2);
        }
        catch (final InternalError fault)
        {
            file.survive(fault);
            refused();
            return false;
        }
    }

    private void logText(final long handle, final Verb verb, final String format, final CharSequence text)
    {
        try
        {
            writeText(handle, verb, format, text);
        }
        catch (final InternalError fault)
        {
            file.survive(fault);
            refused();
        }
    }

    private boolean writeLongs(
        final long handle,
        final Verb verb,
        final String format,
        final int argFlags,
        final long arg0,
        final long arg1,
        final long arg2)
    {
        if (file.isDetached())
        {
            refused(); // the file shrank under this process: touching it could raise SIGBUS
            return false;
        }
        requireVerbAndFormat(verb, format);
        final int verbId = file.verbId(verb);
        final int formatId = file.stringId(format);
        if (formatId == StringTableDescriptor.NO_STRING && (argFlags & FLAG_COUNT) == 0)
        {
            // The string table is full (or the format's index slots are): the format's text goes into
            // the record with its arguments, so the event still says what happened. Not for an event
            // with a count: a text record has no room for it, and the audit judges by counts.
            final WriterThread thread = file.threads().current();
            final boolean truncated = Utf8Packer.packMessage(format, argFlags & FLAG_ARG_COUNT_MASK,
                arg0, arg1, arg2, null, thread.scratch, payloadLongs);
            return writeText(handle, verb, (argFlags & ONLY_IF_RELEASED) != 0, thread, verbId, formatId, truncated);
        }
        final int stackId = stacks ? captureStack() : StringTableDescriptor.NO_STRING;
        final WriterThread thread = file.threads().current();
        final long stamp = claim(handle, verb, (argFlags & ONLY_IF_RELEASED) != 0);
        if (stamp == NOT_CLAIMED)
        {
            return false;
        }
        final int record = openRecord(handle, stamp);
        final int flags = baseFlags | (argFlags & RECORD_FLAGS_MASK);

        final long timestamp = coarseClock ? file.coarseNanoTime() : System.nanoTime();
        writeHeader(record, timestamp, thread.threadId, verbId, flags, formatId, stackId);
        buffer.putLong(record + PAYLOAD_OFFSET, arg0);
        buffer.putLong(record + PAYLOAD_OFFSET + 8, arg1);
        buffer.putLong(record + PAYLOAD_OFFSET + 16, arg2);
        for (int i = MAX_ARGS; i < payloadLongs; i++)
        {
            buffer.putLong(record + PAYLOAD_OFFSET + (i << 3), 0L);
        }
        if (checksums)
        {
            long h = EventChecksum.headerHash(stamp, timestamp, PID, thread.threadId, verbId, flags, formatId, stackId);
            h = EventChecksum.mix(h, arg0);
            h = EventChecksum.mix(h, arg1);
            h = EventChecksum.mix(h, arg2);
            for (int i = MAX_ARGS; i < payloadLongs; i++)
            {
                h = EventChecksum.mix(h, 0L);
            }
            buffer.putInt(record + CHECKSUM_OFFSET, EventChecksum.fold(h));
        }
        buffer.putLongRelease(record + STAMP_OFFSET, stamp);
        return true;
    }

    private void writeText(final long handle, final Verb verb, final String format, final CharSequence text)
    {
        if (file.isDetached())
        {
            refused(); // the file shrank under this process: touching it could raise SIGBUS
            return;
        }
        requireVerbAndFormat(verb, format);
        final int verbId = file.verbId(verb);
        final int formatId = file.stringId(format);
        final WriterThread thread = file.threads().current();
        final CharSequence value = text == null ? "null" : text;
        final boolean truncated = formatId == StringTableDescriptor.NO_STRING ?
            Utf8Packer.packMessage(format, 0, 0, 0, 0, value, thread.scratch, payloadLongs) :
            Utf8Packer.pack(value, thread.scratch, payloadLongs);
        writeText(handle, verb, false, thread, verbId, formatId, truncated);
    }

    /**
     * A null verb or format is a bug at the call, not something to record: it would leave an event the
     * audit cannot judge (no verb) or read (no message). Only reached with the switch on.
     */
    private void requireVerbAndFormat(final Verb verb, final String format)
    {
        if (verb == null || format == null)
        {
            throw new NullPointerException((verb == null ? "log needs a verb" : "log needs a format") +
                ", not null (list '" + name + "')");
        }
    }

    /** Writes a text event whose payload is already packed in {@code thread.scratch}; whether it was claimed. */
    private boolean writeText(
        final long handle,
        final Verb verb,
        final boolean onlyIfReleased,
        final WriterThread thread,
        final int verbId,
        final int formatId,
        final boolean truncated)
    {
        final int stackId = stacks ? captureStack() : StringTableDescriptor.NO_STRING;
        final long[] payload = thread.scratch;
        final long stamp = claim(handle, verb, onlyIfReleased);
        if (stamp == NOT_CLAIMED)
        {
            return false;
        }
        final int record = openRecord(handle, stamp);
        final int flags = baseFlags | FLAG_TEXT | (truncated ? FLAG_TEXT_TRUNCATED : 0);

        final long timestamp = coarseClock ? file.coarseNanoTime() : System.nanoTime();
        writeHeader(record, timestamp, thread.threadId, verbId, flags, formatId, stackId);
        for (int i = 0; i < payloadLongs; i++)
        {
            buffer.putLong(record + PAYLOAD_OFFSET + (i << 3), payload[i]);
        }
        if (checksums)
        {
            // From this thread's scratch copy, never from the record a stale writer may be changing.
            long h = EventChecksum.headerHash(stamp, timestamp, PID, thread.threadId, verbId, flags, formatId, stackId);
            for (int i = 0; i < payloadLongs; i++)
            {
                h = EventChecksum.mix(h, payload[i]);
            }
            buffer.putInt(record + CHECKSUM_OFFSET, EventChecksum.fold(h));
        }
        buffer.putLongRelease(record + STAMP_OFFSET, stamp);
        return true;
    }

    private void writeHeader(
        final int record,
        final long timestamp,
        final int threadId,
        final int verbId,
        final int flags,
        final int formatId,
        final int stackId)
    {
        buffer.putLong(record + TIMESTAMP_OFFSET, timestamp);
        buffer.putInt(record + PID_OFFSET, PID);
        buffer.putInt(record + THREAD_ID_OFFSET, threadId);
        buffer.putShort(record + VERB_ID_OFFSET, (short)verbId);
        buffer.putShort(record + FLAGS_OFFSET, (short)flags);
        buffer.putInt(record + FORMAT_ID_OFFSET, formatId);
        buffer.putInt(record + STACK_ID_OFFSET, stackId);
        buffer.putInt(record + CHECKSUM_OFFSET, 0);
    }

    /**
     * Claims the next event position of the incarnation {@code handle} and returns the stamp that will
     * commit it (its generation and position), or {@link #NOT_CLAIMED}: for a handle this list never made,
     * a stale handle or a saturated count (each counted, never silently dropped). A claimed REF or UNREF
     * adds its effect to the slot's Claimed Ref Delta, so the sum survives the ring dropping the event.
     */
    private long claim(final long handle, final Verb verb, final boolean onlyIfReleased)
    {
        if ((handle & ~PUSH_NUMBER_MASK) != handleTag)
        {
            buffer.getAndAddLong(foreignClaimsOffset, 1);
            return NOT_CLAIMED;
        }
        final long pushNumber = handle & PUSH_NUMBER_MASK;
        final int generation = generationOf(pushNumber, window);
        final int slotOffset = slotOffset(pushNumber);
        final int refDelta = verb == null ? 0 : countEffect(verb.effect());
        final int position = claimPosition(slotOffset, generation, pushNumber, refDelta, onlyIfReleased);
        if (position < 0)
        {
            return NOT_CLAIMED;
        }
        if (refDelta != 0)
        {
            addClaimedRefDelta(slotOffset, generation, pushNumber, refDelta);
        }
        return stamp(generation, position);
    }

    private static int countEffect(final Effect effect)
    {
        return effect == Effect.REF ? 1 : effect == Effect.UNREF ? -1 : 0;
    }

    /**
     * Adds a claimed event's effect to the slot's Claimed Ref Delta while the word is still its
     * generation's; if the slot was pushed again since the claim, the effect belongs to the evicted push.
     */
    private void addClaimedRefDelta(final int slotOffset, final int generation, final long pushNumber, final int delta)
    {
        final int offset = slotOffset + CLAIMED_REF_DELTA_OFFSET;
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final long word = buffer.getLongVolatile(offset);
            if (refDeltaGeneration(word) != generation)
            {
                recordStaleEvent(pushNumber, delta);
                return;
            }
            if (buffer.compareAndSetLong(offset, word, refDeltaWord(generation, refDelta(word) + delta)))
            {
                return;
            }
        }
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

    /**
     * The offset of the record that the claimed {@code stamp} commits, made invalid (stamp 0, fenced)
     * before any field is written: the first half of the record's seqlock.
     */
    private int openRecord(final long handle, final long stamp)
    {
        final int record = slotOffset(handle & PUSH_NUMBER_MASK) +
            org.structhist.format.ObjectSlotDescriptor.HEADER_LENGTH +
            recordIndex((int)stamp, pinnedFirst, eventsPerObject) * entrySize;
        buffer.putLong(record + STAMP_OFFSET, 0L);
        VarHandle.storeStoreFence();
        return record;
    }

    private int slotOffset(final long pushNumber)
    {
        return regionOffset + (int)(pushNumber % window) * slotLength;
    }

    /**
     * Claims the next event position of generation {@code generation} in the slot: a CAS on the state
     * word that can only succeed while the slot still holds that generation. -1 if it does not (the
     * handle is stale: the event is counted, never written) or the count is saturated.
     */
    private int claimPosition(
        final int slotOffset, final int generation, final long pushNumber, final int refDelta,
        final boolean onlyIfReleased)
    {
        final int stateOffset = slotOffset + STATE_OFFSET;
        for (int attempt = 0; ; attempt++)
        {
            if (attempt == WriterChecks.MAX_CAS_ATTEMPTS)
            {
                refused();
                return -1;
            }
            final long state = buffer.getLongVolatile(stateOffset);
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
            if (buffer.compareAndSetLong(stateOffset, state, state + 1))
            {
                return count;
            }
        }
    }

    /**
     * Pushes, events and unrefs this process refused because of what it found in the file: a Push
     * Cursor no push can have, a state word changed under it without end, or a file truncated under
     * it (see docs/DESIGN.md). Counted here in process memory, not in the file. 0 when disabled.
     */
    public long writesRefused()
    {
        return writesRefused.get();
    }

    /** Counts a refused operation; returns the null handle, which no list owns, so its logs are no-ops. */
    private long refused()
    {
        writesRefused.getAndIncrement();
        return 0;
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

    private int captureStack()
    {
        final String stack = StackCapture.capture();
        return file.internUncached(stack);
    }

    @Override
    public String toString()
    {
        return file == null ? "HistoryList[disabled]" : "HistoryList['" + name + "' in " + file.path() + "]";
    }
}
