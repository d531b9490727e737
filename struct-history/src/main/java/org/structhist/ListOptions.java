package org.structhist;

import org.structhist.format.EventDescriptor;
import org.structhist.format.ListDescriptor;

import java.util.Objects;

/**
 * How a {@link HistoryList} is laid out. Fixed when the list is first created in a file: a process
 * that attaches to it with other options gets an error that names both.
 * <pre>{@code
 * ListOptions.window(10_000).eventsPerObject(64)
 * }</pre>
 * Immutable; each method returns a copy.
 */
public final class ListOptions
{
    private static final ListOptions DEFAULTS = new ListOptions(1024, 64, 8, 64, ClockMode.EXACT, false, true);

    private final int window;
    private final int eventsPerObject;
    private final int pinnedFirst;
    private final int entrySize;
    private final ClockMode clock;
    private final boolean stacks;
    private final boolean checksums;

    private ListOptions(
        final int window,
        final int eventsPerObject,
        final int pinnedFirst,
        final int entrySize,
        final ClockMode clock,
        final boolean stacks,
        final boolean checksums)
    {
        this.window = window;
        this.eventsPerObject = eventsPerObject;
        this.pinnedFirst = pinnedFirst;
        this.entrySize = entrySize;
        this.clock = clock;
        this.stacks = stacks;
        this.checksums = checksums;
    }

    /** Window 1024 objects, 64 events each with the first 8 kept, 64-byte records, exact clock. */
    public static ListOptions defaults()
    {
        return DEFAULTS;
    }

    /** The defaults with a window of {@code objects}: how many of the latest objects are kept. */
    public static ListOptions window(final int objects)
    {
        if (objects < 1 || objects > ListDescriptor.MAX_WINDOW)
        {
            throw new IllegalArgumentException(
                "window must be 1.." + ListDescriptor.MAX_WINDOW + " objects, not " + objects);
        }
        return new ListOptions(objects, DEFAULTS.eventsPerObject, DEFAULTS.pinnedFirst, DEFAULTS.entrySize,
            DEFAULTS.clock, DEFAULTS.stacks, DEFAULTS.checksums);
    }

    /**
     * Events kept per object (at least 2). When an object has more, its first {@link #pinnedFirst()}
     * and its newest ones are kept and the count of those dropped between is recorded. The number of
     * pinned first events is lowered if it would leave fewer than one ring event.
     */
    public ListOptions eventsPerObject(final int events)
    {
        if (events < 2 || events > org.structhist.format.ListGeometry.MAX_EVENTS_PER_OBJECT)
        {
            throw new IllegalArgumentException("eventsPerObject must be 2..1048576, not " + events);
        }
        return new ListOptions(window, events, Math.min(pinnedFirst, events - 1), entrySize, clock, stacks, checksums);
    }

    /** How many first events (the birth) are never overwritten; below {@link #eventsPerObject()}. */
    public ListOptions pinnedFirst(final int events)
    {
        if (events < 0 || events >= eventsPerObject)
        {
            throw new IllegalArgumentException(
                "pinnedFirst must be 0.." + (eventsPerObject - 1) + " (below eventsPerObject), not " + events);
        }
        return new ListOptions(window, eventsPerObject, events, entrySize, clock, stacks, checksums);
    }

    /** Bytes per event record: a power of two from 64 to 1024. Larger records keep longer text. */
    public ListOptions entrySize(final int bytes)
    {
        if (bytes < EventDescriptor.MIN_ENTRY_SIZE || bytes > EventDescriptor.MAX_ENTRY_SIZE ||
            Integer.bitCount(bytes) != 1)
        {
            throw new IllegalArgumentException("entrySize must be a power of two from " +
                EventDescriptor.MIN_ENTRY_SIZE + " to " + EventDescriptor.MAX_ENTRY_SIZE + " bytes, not " + bytes);
        }
        return new ListOptions(window, eventsPerObject, pinnedFirst, bytes, clock, stacks, checksums);
    }

    /** Exact or coarse timestamps. */
    public ListOptions clock(final ClockMode mode)
    {
        return new ListOptions(window, eventsPerObject, pinnedFirst, entrySize, Objects.requireNonNull(mode, "clock"),
            stacks, checksums);
    }

    /**
     * Capture the caller's stack on every event, interned in the file (OpenSIPS BACKTRACE_DBG). Off by
     * default: walking the stack allocates and costs microseconds.
     */
    public ListOptions stacks(final boolean capture)
    {
        return new ListOptions(window, eventsPerObject, pinnedFirst, entrySize, clock, capture, checksums);
    }

    /** Checksum every event (on by default) so a stray or mixed write is never shown as an event. */
    public ListOptions checksums(final boolean on)
    {
        return new ListOptions(window, eventsPerObject, pinnedFirst, entrySize, clock, stacks, on);
    }

    public int window()
    {
        return window;
    }

    public int eventsPerObject()
    {
        return eventsPerObject;
    }

    public int pinnedFirst()
    {
        return pinnedFirst;
    }

    public int entrySize()
    {
        return entrySize;
    }

    public ClockMode clock()
    {
        return clock;
    }

    public boolean stacks()
    {
        return stacks;
    }

    public boolean checksums()
    {
        return checksums;
    }

    /** The list directory's Flags field for these options. */
    public int flags()
    {
        return (clock == ClockMode.COARSE ? ListDescriptor.FLAG_COARSE_CLOCK : 0) |
            (stacks ? ListDescriptor.FLAG_STACKS : 0) |
            (checksums ? ListDescriptor.FLAG_CHECKSUMS : 0);
    }

    /** Options as stored in a list directory entry. */
    static ListOptions fromStored(
        final int window, final int eventsPerObject, final int pinnedFirst, final int entrySize, final int flags)
    {
        return new ListOptions(window, eventsPerObject, pinnedFirst, entrySize,
            (flags & ListDescriptor.FLAG_COARSE_CLOCK) != 0 ? ClockMode.COARSE : ClockMode.EXACT,
            (flags & ListDescriptor.FLAG_STACKS) != 0,
            (flags & ListDescriptor.FLAG_CHECKSUMS) != 0);
    }

    /** Bytes this list takes in the file's data region. */
    public long regionLength()
    {
        return (long)window * ((long)eventsPerObject * entrySize +
            org.structhist.format.ObjectSlotDescriptor.HEADER_LENGTH);
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof ListOptions))
        {
            return false;
        }
        final ListOptions that = (ListOptions)o;
        return window == that.window && eventsPerObject == that.eventsPerObject &&
            pinnedFirst == that.pinnedFirst && entrySize == that.entrySize && clock == that.clock &&
            stacks == that.stacks && checksums == that.checksums;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(window, eventsPerObject, pinnedFirst, entrySize, clock, stacks, checksums);
    }

    @Override
    public String toString()
    {
        return "window=" + window + ", eventsPerObject=" + eventsPerObject + ", pinnedFirst=" + pinnedFirst +
            ", entrySize=" + entrySize + ", clock=" + clock + ", stacks=" + stacks + ", checksums=" + checksums;
    }
}
