package org.structhist.reader;

import org.agrona.concurrent.AtomicBuffer;
import org.structhist.format.FileLayout;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.ThreadTableDescriptor;
import org.structhist.format.WriterRegistryDescriptor;
import org.structhist.io.ProcessIdentity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who wrote the file, as a reader sees it: the writer registry (pids, start times, clock bases,
 * liveness) and the thread table (names), read lazily and again when a live file has grown.
 * <p>
 * Misses are cheap and bounded: a lookup of a name or writer the tables lack reads them again only when
 * there is something new to read (thread entries past those read, or a {@link #refresh} between polls of
 * a live file). So reading a whole file reads each thread table entry at most once, plus per refresh once
 * more for entries that were claimed but not yet valid and, when the table is full, once more for all of
 * them (entries taken over by new threads): a crafted table (a huge cursor over entries with pid 0) cannot
 * make the work grow with the number of events.
 */
final class ProcessRegistryView
{
    private final AtomicBuffer buffer;
    private final FileLayout layout;
    private final StringTableView strings;
    private Map<Long, WriterInfo> writersByPid;
    private boolean writersMayHaveChanged;
    private final Map<Long, String> threadNames = new HashMap<>();
    /** Thread table entries below this index have been looked at (see {@link #scanThreadTable}). */
    private int threadEntriesScanned;
    /** Entries below {@link #threadEntriesScanned} that were claimed but not yet valid when looked at. */
    private int[] pendingThreadEntries = new int[0];
    private int pendingThreadEntryCount;
    /** Whether pending entries may have become valid: set by {@link #refresh}, cleared by a scan. */
    private boolean pendingMayHaveChanged = true;
    /** Thread table entries read so far, counted for the test that holds the bound above. */
    private long threadEntriesRead;
    /** Whether entries read before may have been taken over since: set by {@link #refresh}, cleared by a rescan. */
    private boolean takenOverMayHaveChanged;

    ProcessRegistryView(final AtomicBuffer buffer, final FileLayout layout, final StringTableView strings)
    {
        this.buffer = buffer;
        this.layout = layout;
        this.strings = strings;
    }

    /** Every writer in the registry, with whether it is alive now. */
    List<WriterInfo> writers()
    {
        final List<WriterInfo> writers = new ArrayList<>();
        for (int i = 0; i < layout.maxWriters; i++)
        {
            final int entry = WriterRegistryDescriptor.entryOffset(layout.writerRegistryOffset, i);
            final long pid = buffer.getLongVolatile(entry + WriterRegistryDescriptor.PID_OFFSET);
            if (pid == 0)
            {
                continue;
            }
            final long start = buffer.getLong(entry + WriterRegistryDescriptor.PROCESS_START_MILLIS_OFFSET);
            writers.add(new WriterInfo(i, pid, start,
                buffer.getLong(entry + WriterRegistryDescriptor.CLOCK_BASE_WALL_NANOS_OFFSET),
                buffer.getLong(entry + WriterRegistryDescriptor.CLOCK_BASE_MONOTONIC_NANOS_OFFSET),
                buffer.getLongVolatile(entry + WriterRegistryDescriptor.HEARTBEAT_MILLIS_OFFSET),
                buffer.getLong(entry + WriterRegistryDescriptor.COARSE_CLOCK_RESOLUTION_NANOS_OFFSET),
                buffer.getIntVolatile(entry + WriterRegistryDescriptor.STATE_OFFSET) ==
                    WriterRegistryDescriptor.STATE_DETACHED,
                ProcessIdentity.isAlive(pid, start)));
        }
        return writers;
    }

    /**
     * Lets lookups find writers registered since the registry was first read: call it between polls of
     * a live file. Nothing is read again until a lookup misses: the next {@link #writer} (or
     * {@link #wallNanos}) of a pid not yet known reads the registry once more.
     */
    void refresh()
    {
        writersMayHaveChanged = true;
        pendingMayHaveChanged = true;
        takenOverMayHaveChanged = true;
    }

    /** How many thread table entries have been read: bounded by the table's size, not by the lookups. */
    long threadEntriesRead()
    {
        return threadEntriesRead;
    }

    /** The writer registered with {@code pid}, if any. */
    Optional<WriterInfo> writer(final long pid)
    {
        if (writersByPid == null || (writersMayHaveChanged && !writersByPid.containsKey(pid)))
        {
            writersMayHaveChanged = false;
            final Map<Long, WriterInfo> map = new HashMap<>();
            for (final WriterInfo w : writers())
            {
                // An entry caught mid-claim has no clock base yet: leave it out, so that a later miss
                // (after refresh) reads it again once it is complete rather than keeping it half-made.
                if (w.clockBaseWallNanos() != 0)
                {
                    map.put(w.pid(), w);
                }
            }
            writersByPid = map;
        }
        return Optional.ofNullable(writersByPid.get(pid));
    }

    /** Wall time (epoch ns) of a {@code System.nanoTime()} value taken by process {@code pid}. */
    long wallNanos(final long pid, final long nanoTime)
    {
        final Optional<WriterInfo> writer = writer(pid);
        return writer.isPresent() ?
            writer.get().clockBaseWallNanos() + (nanoTime - writer.get().clockBaseMonotonicNanos()) :
            buffer.getLong(FileHeaderDescriptor.CLOCK_BASE_WALL_NANOS_OFFSET) +
                (nanoTime - buffer.getLong(FileHeaderDescriptor.CLOCK_BASE_MONOTONIC_NANOS_OFFSET));
    }

    /**
     * Whether process {@code pid} runs now, asked of the OS on every call (never cached): by pid and start
     * time for a registered writer (a pid alone is reused), by pid alone for one the registry lacks.
     */
    boolean isWriterAlive(final long pid)
    {
        if (pid <= 0)
        {
            return false;
        }
        final Optional<WriterInfo> writer = writer(pid);
        // Through ProcessIdentity in both cases: it knows a pid alone is reused, and that a pid past
        // 32 bits (a corrupt registry) is no process, where ProcessHandle.of would truncate it.
        return ProcessIdentity.isAlive(pid, writer.isPresent() ? writer.get().processStartMillis() : 0);
    }

    /**
     * The registered name of thread {@code threadId} of {@code pid} ("virtual-ID" for an unnamed virtual
     * thread), or "thread-ID". Threads that registered after the table was first read are found too: a name
     * not known yet makes the reader look at the entries added since, and (after a {@link #refresh}) at those
     * that were still being written then, and at a full table's entries taken over since.
     */
    String threadName(final int pid, final int threadId)
    {
        final long key = threadKey(pid, threadId);
        String known = threadNames.get(key);
        if (known == null)
        {
            scanThreadTable();
            known = threadNames.get(key);
        }
        if (known == null && takenOverMayHaveChanged && threadEntriesScanned >= layout.maxThreads)
        {
            // A full table's entries may have been taken over by new threads since they were read (see
            // ThreadTableDescriptor): read them all again, once per refresh of a live file, not once per miss.
            takenOverMayHaveChanged = false;
            for (int i = 0; i < layout.maxThreads; i++)
            {
                readThreadEntry(i);
            }
            known = threadNames.get(key);
        }
        return known != null ? known : "thread-" + threadId;
    }

    /**
     * Reads the thread table entries not looked at yet, and again those that were not valid when looked
     * at. Each entry is read whole at most once after it became valid, so a live file with threads coming
     * and going costs work in proportion to the threads, not to the lookups.
     */
    private void scanThreadTable()
    {
        if (pendingMayHaveChanged)
        {
            // Once per refresh, not once per miss: a table full of entries that never become valid (pid 0)
            // would otherwise be read again for every event of an unknown thread.
            pendingMayHaveChanged = false;
            int stillPending = 0;
            for (int i = 0; i < pendingThreadEntryCount; i++)
            {
                if (!readThreadEntry(pendingThreadEntries[i]))
                {
                    pendingThreadEntries[stillPending++] = pendingThreadEntries[i];
                }
            }
            pendingThreadEntryCount = stillPending;
        }
        final int registered = Math.min(layout.maxThreads,
            Math.max(0, buffer.getIntVolatile(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET)));
        for (int i = threadEntriesScanned; i < registered; i++)
        {
            if (!readThreadEntry(i))
            {
                if (pendingThreadEntryCount == pendingThreadEntries.length)
                {
                    // Bounded by Max Threads, which the header check bounds by the file's size.
                    pendingThreadEntries = Arrays.copyOf(pendingThreadEntries,
                        Math.max(16, pendingThreadEntries.length * 2));
                }
                pendingThreadEntries[pendingThreadEntryCount++] = i;
            }
        }
        threadEntriesScanned = Math.max(threadEntriesScanned, registered);
    }

    /** Adds thread table entry {@code index} to the names if it is valid (its Pid, stored last, is set). */
    private boolean readThreadEntry(final int index)
    {
        threadEntriesRead++;
        final int entry = layout.threadTableOffset + index * ThreadTableDescriptor.ENTRY_LENGTH;
        final int entryPid = buffer.getIntVolatile(entry + ThreadTableDescriptor.PID_OFFSET);
        if (entryPid == 0)
        {
            return false;
        }
        // One atomic read: an entry taken over by another thread changes its id and name together.
        final long thread = buffer.getLongVolatile(entry + ThreadTableDescriptor.THREAD_OFFSET);
        final int tid = ThreadTableDescriptor.threadId(thread);
        final int nameId = ThreadTableDescriptor.nameId(thread);
        final String name;
        if (nameId == ThreadTableDescriptor.UNNAMED_VIRTUAL)
        {
            name = "virtual-" + tid;
        }
        else
        {
            final String stored = nameId == ThreadTableDescriptor.NO_NAME ? "" : strings.string(nameId);
            name = stored.isEmpty() ? "thread-" + tid : stored;
        }
        threadNames.put(threadKey(entryPid, tid), name);
        return true;
    }

    private static long threadKey(final int pid, final int threadId)
    {
        return ((long)pid << 32) | (threadId & 0xFFFF_FFFFL);
    }
}
