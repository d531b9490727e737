package org.structhist.alloc;

import org.structhist.HistoryList;
import org.structhist.io.FileAccess;

import java.util.Objects;

/**
 * How a heap file is created. Capacity, poisoning and the quarantine are fixed at creation and stored
 * in the file; a process attaching with different ones gets an error naming both. Immutable: each
 * setter returns a copy.
 */
public final class HeapOptions
{
    public static final long MIN_CAPACITY = 1L << 20;
    public static final int DEFAULT_QUARANTINE_SLOTS = 4096;
    public static final long DEFAULT_ATTACH_TIMEOUT_MILLIS = 5000;

    private final long capacity;
    private final boolean poison;
    private final long quarantineBytes;
    private final int quarantineSlots;
    private final long attachTimeoutMillis;
    private final HistoryList history;
    private final boolean historyOff;
    private final FileAccess access;

    private HeapOptions(final long capacity, final boolean poison, final long quarantineBytes,
        final int quarantineSlots, final long attachTimeoutMillis, final HistoryList history, final boolean historyOff,
        final FileAccess access)
    {
        this.capacity = capacity;
        this.poison = poison;
        this.quarantineBytes = quarantineBytes;
        this.quarantineSlots = quarantineSlots;
        this.attachTimeoutMillis = attachTimeoutMillis;
        this.history = history;
        this.historyOff = historyOff;
        this.access = access;
    }

    /** {@code capacity} bytes (the file's length), no poisoning, no quarantine. */
    public static HeapOptions capacity(final long capacity)
    {
        if (capacity < MIN_CAPACITY)
        {
            throw new IllegalArgumentException("a heap needs at least " + MIN_CAPACITY + " bytes, not " + capacity);
        }
        return new HeapOptions(capacity, false, 0, DEFAULT_QUARANTINE_SLOTS, DEFAULT_ATTACH_TIMEOUT_MILLIS, null, false,
            FileAccess.OWNER_ONLY);
    }

    /** Fill freed payloads with {@link SharedHeap#POISON} so that a read after free shows it. */
    public HeapOptions poison(final boolean on)
    {
        return new HeapOptions(capacity, on, quarantineBytes, quarantineSlots, attachTimeoutMillis, history,
            historyOff, access);
    }

    /**
     * Hold freed chunks back from reuse, oldest first out, until more than {@code bytes} of them (or more
     * than {@link #quarantineSlots} chunks) wait: a use after free then meets a chunk that is still
     * marked freed, which {@link SharedHeap#checkLive} and the checked accessor report. 0 turns it off.
     */
    public HeapOptions quarantineBytes(final long bytes)
    {
        if (bytes < 0)
        {
            throw new IllegalArgumentException("quarantine bytes must be 0 (off) or more, not " + bytes);
        }
        return new HeapOptions(capacity, poison, bytes, quarantineSlots, attachTimeoutMillis, history, historyOff,
            access);
    }

    /** The most chunks the quarantine holds at once (a power of two, 16 to 2^20). */
    public HeapOptions quarantineSlots(final int slots)
    {
        if (slots < 16 || slots > 1 << 20 || Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("quarantine slots must be a power of two from 16 to " + (1 << 20) +
                ", not " + slots);
        }
        return new HeapOptions(capacity, poison, quarantineBytes, slots, attachTimeoutMillis, history, historyOff,
            access);
    }

    /** How long to wait for another process that is creating the file right now. */
    public HeapOptions attachTimeoutMillis(final long millis)
    {
        return new HeapOptions(capacity, poison, quarantineBytes, quarantineSlots, millis, history, historyOff, access);
    }

    /**
     * The list that gets an SHM_ALLOC / SHM_FREE / SHM_DOUBLE_FREE event for every allocation, free and
     * double free. By default, when {@code StructHistory.ENABLED}, the list "shm" of the default history
     * file; {@code null} turns the automatic history off.
     */
    public HeapOptions history(final HistoryList list)
    {
        return new HeapOptions(capacity, poison, quarantineBytes, quarantineSlots, attachTimeoutMillis, list,
            list == null, access);
    }

    /**
     * Who may open the heap file: {@link FileAccess#OWNER_ONLY} (the default) or {@link FileAccess#GROUP}
     * for processes of several users of one group. The creator makes the file with it; an attacher refuses
     * a file (and a directory) more open than it asked for.
     */
    public HeapOptions access(final FileAccess fileAccess)
    {
        Objects.requireNonNull(fileAccess, "fileAccess");
        return new HeapOptions(capacity, poison, quarantineBytes, quarantineSlots, attachTimeoutMillis, history,
            historyOff, fileAccess);
    }

    public FileAccess access()
    {
        return access;
    }

    public long capacity()
    {
        return capacity;
    }

    public boolean poison()
    {
        return poison;
    }

    public long quarantineBytes()
    {
        return quarantineBytes;
    }

    public int quarantineSlots()
    {
        return quarantineSlots;
    }

    public long attachTimeoutMillis()
    {
        return attachTimeoutMillis;
    }

    HistoryList history()
    {
        return history;
    }

    boolean historyOff()
    {
        return historyOff;
    }

    @Override
    public String toString()
    {
        return "capacity " + capacity + " bytes, poison " + (poison ? "on" : "off") + ", quarantine " +
            (quarantineBytes == 0 ? "off" : quarantineBytes + " bytes in at most " + quarantineSlots + " chunks");
    }
}
