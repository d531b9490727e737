package org.structhist;

import org.agrona.concurrent.CachedNanoClock;
import org.structhist.format.EventDescriptor;
import org.structhist.format.HandleDescriptor;
import org.structhist.format.StringTableDescriptor;
import org.structhist.internal.ListDirectory;
import org.structhist.internal.LocalIdCache;
import org.structhist.internal.SlotWriter;
import org.structhist.internal.ThreadRegistry;
import org.structhist.internal.WriterThread;

import static org.structhist.format.EventDescriptor.FLAG_ARG_COUNT_MASK;
import static org.structhist.format.EventDescriptor.FLAG_COUNT;
import static org.structhist.format.EventDescriptor.FLAG_TEXT;
import static org.structhist.format.EventDescriptor.FLAG_TEXT_TRUNCATED;

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
    /** Passed with the argument flags (never stored): claim only while the incarnation is released. */
    private static final int ONLY_IF_RELEASED = 1 << 16;
    private static final int RECORD_FLAGS_MASK = 0xFFFF;

    private final HistoryFile file;
    private final ThreadRegistry threads;
    /**
     * The file's id caches, held here so that an event's lookups start one field from the list, not three: the
     * claim's CAS waits for every load before it, so the longest chain of dependent loads is on every event's
     * critical path (docs/DESIGN.md, "The write path").
     */
    private final LocalIdCache verbIds;
    private final LocalIdCache formatIds;
    private final SlotWriter slots;
    private final String name;
    private final ListOptions options;
    private final int listIndex;
    private final long handleTag;
    private final int payloadLongs;
    private final boolean stacks;

    private HistoryList()
    {
        file = null;
        threads = null;
        verbIds = null;
        formatIds = null;
        slots = null;
        name = "";
        options = ListOptions.defaults();
        listIndex = -1;
        handleTag = 0;
        payloadLongs = 0;
        stacks = false;
    }

    HistoryList(
        final HistoryFile file,
        final String name,
        final ListDirectory.Entry entry,
        final ListOptions options,
        final CachedNanoClock coarseClock)
    {
        this.file = file;
        this.threads = file.threads();
        this.verbIds = file.verbIdCache();
        this.formatIds = file.formatIdCache();
        this.slots = new SlotWriter(file.buffer(), entry, options.checksums(),
            options.clock() == ClockMode.COARSE ? coarseClock : null);
        this.name = name;
        this.options = options;
        this.listIndex = entry.index;
        this.handleTag = HandleDescriptor.listTag(entry.index);
        this.payloadLongs = EventDescriptor.payloadLongs(entry.entrySize);
        this.stacks = options.stacks();
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

    private long claimSlot(final long address)
    {
        return file.isDetached() ? slots.refused() : slots.push(address);
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
        slots.unref(handle);
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
    boolean logLongs(
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

    void logText(final long handle, final Verb verb, final String format, final CharSequence text)
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
        final int threadId = threads.knownThreadId();
        final int cachedVerbId = verbIds.get(verb);
        final int verbId = cachedVerbId != LocalIdCache.MISSING ? cachedVerbId : file.verbId(verb);
        final int cachedFormatId = formatIds.get(format);
        final int formatId = cachedFormatId != LocalIdCache.MISSING ? cachedFormatId : file.stringId(format);
        final boolean onlyIfReleased = (argFlags & ONLY_IF_RELEASED) != 0;
        if (formatId == StringTableDescriptor.NO_STRING && (argFlags & FLAG_COUNT) == 0)
        {
            final WriterThread thread = threads.current();
            // The string table is full (or the format's index slots are): the format's text goes into
            // the record with its arguments, so the event still says what happened. Not for an event
            // with a count: a text record has no room for it, and the audit judges by counts.
            final boolean truncated = Utf8Packer.packMessage(format, argFlags & FLAG_ARG_COUNT_MASK,
                arg0, arg1, arg2, null, thread.scratch, payloadLongs);
            return writeText(handle, verb, onlyIfReleased, thread, verbId, formatId, truncated);
        }
        final int stackId = stacks ? captureStack() : StringTableDescriptor.NO_STRING;
        return slots.write(handle, countEffect(verb.effect()), onlyIfReleased, threadId, verbId,
            argFlags & RECORD_FLAGS_MASK, formatId, stackId, arg0, arg1, arg2, null);
    }

    private void writeText(final long handle, final Verb verb, final String format, final CharSequence text)
    {
        if (file.isDetached())
        {
            refused(); // the file shrank under this process: touching it could raise SIGBUS
            return;
        }
        requireVerbAndFormat(verb, format);
        final WriterThread thread = threads.current();
        final int verbId = file.verbId(verb);
        final int formatId = file.stringId(format);
        final CharSequence value = text == null ? "null" : text;
        final boolean truncated = formatId == StringTableDescriptor.NO_STRING ?
            Utf8Packer.packMessage(format, 0, 0, 0, 0, value, thread.scratch, payloadLongs) :
            Utf8Packer.pack(value, thread.scratch, payloadLongs);
        writeText(handle, verb, false, thread, verbId, formatId, truncated);
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
        final int flags = FLAG_TEXT | (truncated ? FLAG_TEXT_TRUNCATED : 0);
        return slots.write(handle, countEffect(verb.effect()), onlyIfReleased, thread.threadId, verbId, flags,
            formatId, stackId, 0, 0, 0, thread.scratch);
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

    private static int countEffect(final Effect effect)
    {
        return effect == Effect.REF ? 1 : effect == Effect.UNREF ? -1 : 0;
    }

    /**
     * Pushes, events and unrefs this process refused because of what it found in the file: a Push
     * Cursor no push can have, a state word changed under it without end, or a file truncated under
     * it (see docs/DESIGN.md). Counted here in process memory, not in the file. 0 when disabled.
     */
    public long writesRefused()
    {
        return slots == null ? 0 : slots.writesRefused();
    }

    /** Counts a refused operation; returns the null handle, which no list owns, so its logs are no-ops. */
    private long refused()
    {
        return slots.refused();
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
