package org.structhist.reader;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.Effect;
import org.structhist.HistoryFormatException;
import org.structhist.format.EventChecksum;
import org.structhist.format.EventDescriptor;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.ListDescriptor;
import org.structhist.format.ListGeometry;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.format.StringTableDescriptor;
import org.structhist.format.ThreadTableDescriptor;
import org.structhist.format.VerbTableDescriptor;
import org.structhist.format.WriterRegistryDescriptor;
import org.structhist.internal.ProcessIdentity;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.structhist.format.ObjectSlotDescriptor.*;

/**
 * Reads a history file, live or left by a dead process. It only reads: it maps the file read-only and
 * never writes a byte. Every offset and count taken from the file is checked before it is used, so a
 * truncated, corrupt or hostile file gives a {@link HistoryFormatException} with one sentence, never a
 * read outside the file, and nothing is allocated by a count the file claims beyond what the file's
 * size can hold. An event is presented as {@link EventStatus#VALID} only if its commit stamp was right
 * before and after copying it and its checksum matches.
 * <p>
 * One thing no reader of a mapped file can prevent: if another process truncates the file while it
 * is mapped, a read of a page past the new end raises SIGBUS, which the JVM turns into an
 * {@link InternalError} from whatever method was reading. Callers that must never fail that way
 * ({@code shdump} does) catch it and report the file as truncated.
 */
public final class HistoryReader implements AutoCloseable
{
    private static final int TORN_RETRIES = 3;
    private static final int MAX_CACHED_STRING_CHARS = 1024;

    private final String name;
    private final AtomicBuffer buffer;
    private final FileLayout layout;
    @SuppressWarnings("unused") // keeps the mapping alive for as long as this reader is reachable
    private final MappedByteBuffer mapping;
    private final Map<Integer, String> strings = new HashMap<>();
    private Map<Long, WriterInfo> writersByPid;
    private boolean writersMayHaveChanged;
    private final Map<Long, String> threadNames = new HashMap<>();
    /** Thread table entries below this index have been looked at (see {@link #scanThreadTable}). */
    private int threadEntriesScanned;
    /** Entries below {@link #threadEntriesScanned} that were claimed but not yet valid when looked at. */
    private int[] pendingThreadEntries = new int[0];
    private int pendingThreadEntryCount;

    private HistoryReader(final String name, final AtomicBuffer buffer, final MappedByteBuffer mapping)
    {
        this.name = name;
        this.buffer = buffer;
        this.mapping = mapping;
        this.layout = FileLayout.read(buffer, buffer.capacity(), name);
    }

    /**
     * Opens {@code path} read-only.
     *
     * @throws HistoryFormatException if it is missing, unreadable, not a history file, truncated,
     *                                corrupt, still being initialised or of another format version.
     */
    public static HistoryReader open(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (Files.isDirectory(path))
            {
                throw new HistoryFormatException(path + " is a directory, not a history file");
            }
            if (size < FileHeaderDescriptor.HEADER_LENGTH)
            {
                throw new HistoryFormatException(path + " is not a history file: it is only " + size +
                    " bytes, shorter than the " + FileHeaderDescriptor.HEADER_LENGTH + "-byte header");
            }
            if (size > FileHeaderDescriptor.MAX_FILE_LENGTH)
            {
                throw new HistoryFormatException(path + " is not a history file: at " + size +
                    " bytes it is larger than any history file");
            }
            if (channel.size() < size)
            {
                throw new HistoryFormatException(path + " shrank while it was being opened (from " + size +
                    " to " + channel.size() + " bytes): another process truncated it");
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new HistoryReader(path.toString(), new UnsafeBuffer(mapping), mapping);
        }
        catch (final NoSuchFileException ex)
        {
            throw new HistoryFormatException(path + " does not exist", ex);
        }
        catch (final AccessDeniedException ex)
        {
            throw new HistoryFormatException(path + " cannot be read: permission denied", ex);
        }
        catch (final IOException ex)
        {
            throw new HistoryFormatException(path + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    /** A reader over a file mapped by this process already (used by {@code flush}). */
    public static HistoryReader over(final AtomicBuffer buffer, final String name)
    {
        return new HistoryReader(name, buffer, null);
    }

    /** The file's name as given to {@link #open}. */
    public String name()
    {
        return name;
    }

    public FileLayout layout()
    {
        return layout;
    }

    public int formatVersion()
    {
        return buffer.getInt(FileHeaderDescriptor.FORMAT_VERSION_OFFSET);
    }

    public long creatorPid()
    {
        return buffer.getLong(FileHeaderDescriptor.CREATOR_PID_OFFSET);
    }

    public long clockBaseWallNanos()
    {
        return buffer.getLong(FileHeaderDescriptor.CLOCK_BASE_WALL_NANOS_OFFSET);
    }

    public long clockBaseMonotonicNanos()
    {
        return buffer.getLong(FileHeaderDescriptor.CLOCK_BASE_MONOTONIC_NANOS_OFFSET);
    }

    /** Strings that could not be interned because the string table was full. */
    public int stringsNotInterned()
    {
        return buffer.getIntVolatile(FileHeaderDescriptor.STRINGS_NOT_INTERNED_OFFSET);
    }

    public int threadsNotRegistered()
    {
        return buffer.getIntVolatile(FileHeaderDescriptor.THREADS_NOT_REGISTERED_OFFSET);
    }

    public int verbsNotRegistered()
    {
        return buffer.getIntVolatile(FileHeaderDescriptor.VERBS_NOT_REGISTERED_OFFSET);
    }

    public int writersNotRegistered()
    {
        return buffer.getIntVolatile(FileHeaderDescriptor.WRITERS_NOT_REGISTERED_OFFSET);
    }

    /** Bytes of the string table in use (at most its length). */
    public int stringBytesUsed()
    {
        return Math.max(0, Math.min(layout.stringDataLength,
            buffer.getIntVolatile(FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET)));
    }

    /** Threads registered with a name (at most Max Threads). */
    public int threadsRegistered()
    {
        return Math.max(0, Math.min(layout.maxThreads,
            buffer.getIntVolatile(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET)));
    }

    /** Every list that is ready, in directory order. */
    public List<ListInfo> lists()
    {
        final List<ListInfo> lists = new ArrayList<>();
        for (int i = 0; i < layout.maxLists; i++)
        {
            final int entry = ListDescriptor.entryOffset(layout.listDirectoryOffset, i);
            final int state = buffer.getIntVolatile(entry + ListDescriptor.STATE_OFFSET);
            if (state == ListDescriptor.STATE_READY)
            {
                lists.add(readList(i, entry));
            }
        }
        return lists;
    }

    public Optional<ListInfo> list(final String listName)
    {
        return lists().stream().filter(l -> l.name().equals(listName)).findFirst();
    }

    private ListInfo readList(final int index, final int entry)
    {
        final int window = buffer.getInt(entry + ListDescriptor.WINDOW_OFFSET);
        final int events = buffer.getInt(entry + ListDescriptor.EVENTS_PER_OBJECT_OFFSET);
        final int pinned = buffer.getInt(entry + ListDescriptor.PINNED_FIRST_OFFSET);
        final int entrySize = buffer.getInt(entry + ListDescriptor.ENTRY_SIZE_OFFSET);
        final int flags = buffer.getInt(entry + ListDescriptor.FLAGS_OFFSET);
        final int slotLength = buffer.getInt(entry + ListDescriptor.SLOT_LENGTH_OFFSET);
        final int regionOffset = buffer.getInt(entry + ListDescriptor.REGION_OFFSET_OFFSET);
        final String listName = string(buffer.getInt(entry + ListDescriptor.NAME_ID_OFFSET));
        final String problem = ListGeometry.problem(window, events, pinned, entrySize, slotLength, regionOffset, layout);
        return new ListInfo(index, listName, window, events, pinned, entrySize, flags, slotLength, regionOffset,
            buffer.getLong(entry + ListDescriptor.CREATOR_PID_OFFSET),
            buffer.getLong(entry + ListDescriptor.CREATED_WALL_NANOS_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.PUSH_CURSOR_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.STALE_EVENTS_DROPPED_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.EVENTS_REFUSED_OFFSET),
            problem);
    }

    /** Every writer in the registry, with whether it is alive now. */
    public List<WriterInfo> writers()
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
    public void refresh()
    {
        writersMayHaveChanged = true;
    }

    /** The writer registered with {@code pid}, if any. */
    public Optional<WriterInfo> writer(final long pid)
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
    public long wallNanos(final long pid, final long nanoTime)
    {
        final Optional<WriterInfo> writer = writer(pid);
        return writer.isPresent() ?
            writer.get().clockBaseWallNanos() + (nanoTime - writer.get().clockBaseMonotonicNanos()) :
            clockBaseWallNanos() + (nanoTime - clockBaseMonotonicNanos());
    }

    /**
     * Whether process {@code pid} runs now, asked of the OS on every call (never cached): by pid and start
     * time for a registered writer (a pid alone is reused), by pid alone for one the registry lacks.
     */
    public boolean isWriterAlive(final long pid)
    {
        if (pid <= 0)
        {
            return false;
        }
        final Optional<WriterInfo> writer = writer(pid);
        return writer.isPresent() ? ProcessIdentity.isAlive(pid, writer.get().processStartMillis()) :
            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * The registered name of thread {@code threadId} of {@code pid}, or "thread-ID". Threads that
     * registered after the table was first read are found too: a name not known yet makes the reader look
     * at the entries added since, and at those that were still being written then.
     */
    public String threadName(final int pid, final int threadId)
    {
        final long key = threadKey(pid, threadId);
        String known = threadNames.get(key);
        if (known == null)
        {
            scanThreadTable();
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
        int stillPending = 0;
        for (int i = 0; i < pendingThreadEntryCount; i++)
        {
            if (!readThreadEntry(pendingThreadEntries[i]))
            {
                pendingThreadEntries[stillPending++] = pendingThreadEntries[i];
            }
        }
        pendingThreadEntryCount = stillPending;
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
        final int entry = layout.threadTableOffset + index * ThreadTableDescriptor.ENTRY_LENGTH;
        final int entryPid = buffer.getIntVolatile(entry + ThreadTableDescriptor.PID_OFFSET);
        if (entryPid == 0)
        {
            return false;
        }
        final long tid = buffer.getLong(entry + ThreadTableDescriptor.THREAD_ID_OFFSET);
        threadNames.put(threadKey(entryPid, (int)tid), string(buffer.getInt(entry + ThreadTableDescriptor.NAME_ID_OFFSET)));
        return true;
    }

    private static long threadKey(final int pid, final int threadId)
    {
        return ((long)pid << 32) | (threadId & 0xFFFF_FFFFL);
    }

    /** The string with id {@code id}: "" for 0, a marker for an id that does not lead to a string. */
    public String string(final int id)
    {
        if (id == StringTableDescriptor.NO_STRING)
        {
            return "";
        }
        final String cached = strings.get(id);
        if (cached != null)
        {
            return cached;
        }
        final String value = readString(id);
        if (value.length() <= MAX_CACHED_STRING_CHARS)
        {
            // Long strings (stacks) are not kept: in a hostile file every event could name a distinct
            // 16 KiB one, and the cache would grow far beyond the file.
            strings.put(id, value);
        }
        return value;
    }

    private String readString(final int id)
    {
        if (id < StringTableDescriptor.FIRST_ENTRY_OFFSET || (id & (StringTableDescriptor.ALIGNMENT - 1)) != 0 ||
            (long)id + StringTableDescriptor.ENTRY_HEADER_LENGTH > layout.stringDataLength)
        {
            return "<bad string id " + id + ">";
        }
        final int entry = layout.stringDataOffset + id;
        final int length = buffer.getInt(entry + StringTableDescriptor.LENGTH_OFFSET);
        if (length < 0 || length > StringTableDescriptor.MAX_STRING_BYTES ||
            (long)id + StringTableDescriptor.ENTRY_HEADER_LENGTH + length > layout.stringDataLength)
        {
            return "<bad string id " + id + ">";
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(entry + StringTableDescriptor.BYTES_OFFSET, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Verb name and effect of verb id {@code id}. */
    private long verbEntry(final int id)
    {
        if (id < 1 || id > layout.maxVerbs)
        {
            return 0;
        }
        return buffer.getLongVolatile(layout.verbTableOffset + (id - 1) * VerbTableDescriptor.ENTRY_LENGTH);
    }

    /** The incarnations now in the window of {@code list}, oldest push first. */
    public List<Incarnation> incarnations(final ListInfo list)
    {
        requireReadable(list);
        final List<Incarnation> result = new ArrayList<>();
        for (int slot = 0; slot < list.window(); slot++)
        {
            final Incarnation incarnation = readSlot(list, slot);
            if (incarnation != null)
            {
                result.add(incarnation);
            }
        }
        result.sort(Comparator.comparingLong(Incarnation::pushNumber));
        return result;
    }

    /** Every incarnation of {@code address} in every list, oldest push first within each list. */
    public List<Incarnation> incarnationsOf(final long address)
    {
        final List<Incarnation> result = new ArrayList<>();
        for (final ListInfo list : lists())
        {
            if (list.problem() != null)
            {
                continue;
            }
            final int addressOffsetInSlot = ADDRESS_OFFSET;
            for (int slot = 0; slot < list.window(); slot++)
            {
                final int slotOffset = list.regionOffset() + slot * list.slotLength();
                if (buffer.getLong(slotOffset + addressOffsetInSlot) == address)
                {
                    final Incarnation incarnation = readSlot(list, slot);
                    if (incarnation != null && incarnation.address() == address)
                    {
                        result.add(incarnation);
                    }
                }
            }
        }
        result.sort(Comparator.comparingInt((Incarnation i) -> i.list().index()).thenComparingLong(Incarnation::pushNumber));
        return result;
    }

    /** The incarnation {@code handle} refers to, if it is still in the window. */
    public Optional<Incarnation> incarnation(final long handle)
    {
        final int listIndex = (int)(handle >>> 56) - 1;
        final long pushNumber = handle & ((1L << 56) - 1);
        for (final ListInfo list : lists())
        {
            if (list.index() == listIndex && list.problem() == null)
            {
                final Incarnation incarnation = readSlot(list, (int)(pushNumber % list.window()));
                return incarnation != null && incarnation.pushNumber() == pushNumber ?
                    Optional.of(incarnation) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private void requireReadable(final ListInfo list)
    {
        if (list.problem() != null)
        {
            throw new HistoryFormatException(name + ": list '" + list.name() + "' is corrupt: " + list.problem());
        }
    }

    private Incarnation readSlot(final ListInfo list, final int slot)
    {
        final int slotOffset = list.regionOffset() + slot * list.slotLength();
        final long state = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        final int generation = generation(state);
        if (generation == 0)
        {
            return null;
        }
        final int headerGeneration = buffer.getIntVolatile(slotOffset + HEADER_GENERATION_OFFSET);
        final long pushNumber = buffer.getLong(slotOffset + PUSH_NUMBER_OFFSET);
        final long address = buffer.getLong(slotOffset + ADDRESS_OFFSET);
        final long pushTime = buffer.getLong(slotOffset + PUSH_TIME_OFFSET);
        final int creatorPid = buffer.getInt(slotOffset + CREATOR_PID_OFFSET);
        final int creatorThread = buffer.getInt(slotOffset + CREATOR_THREAD_ID_OFFSET);
        final long unrefTime = buffer.getLong(slotOffset + UNREF_TIME_OFFSET);
        final int headerChecksum = buffer.getInt(slotOffset + HEADER_CHECKSUM_OFFSET);
        final long staleDropped = buffer.getLongVolatile(slotOffset + STALE_EVENTS_DROPPED_OFFSET);
        VarHandle.loadLoadFence();
        final int headerGenerationAfter = buffer.getIntVolatile(slotOffset + HEADER_GENERATION_OFFSET);
        final long stateAfter = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        final boolean headerValid = headerGeneration == generation && headerGenerationAfter == generation &&
            generation(stateAfter) == generation && pushNumber >= 0 && pushNumber % list.window() == slot &&
            generationOf(pushNumber, list.window()) == generation &&
            headerChecksum == headerChecksum(generation, pushNumber, address, pushTime, creatorPid, creatorThread);
        final long expectedPushNumber = (Integer.toUnsignedLong(generation) - 1) * list.window() + slot;
        return new Incarnation(list, slot, generation, headerValid ? pushNumber : expectedPushNumber,
            ((long)(list.index() + 1) << 56) | (headerValid ? pushNumber : expectedPushNumber),
            headerValid ? address : 0, headerValid ? creatorPid : 0, headerValid ? creatorThread : 0,
            headerValid ? pushTime : 0, isUnref(stateAfter),
            // An unref of an earlier occupant can land its time after this push: only a later time is ours.
            isUnref(stateAfter) && headerValid && unrefTime - pushTime >= 0 ? unrefTime : 0,
            count(stateAfter), staleDropped, headerValid);
    }

    /** The incarnation's kept events in position order: the pinned first ones, then the newest. */
    public List<Event> events(final Incarnation incarnation)
    {
        final List<Event> events = new ArrayList<>();
        forEachEvent(incarnation, events::add);
        return events;
    }

    /**
     * Visits the kept events of {@code incarnation} in position order. Positions not consecutive mark
     * events dropped between the pinned first ones and the ring ({@link Incarnation#droppedEvents()}).
     * If the slot was taken by a newer incarnation meanwhile, no event of the newer one is visited.
     */
    public void forEachEvent(final Incarnation incarnation, final Consumer<Event> visitor)
    {
        final ListInfo list = incarnation.list();
        requireReadable(list);
        final int slotOffset = list.regionOffset() + incarnation.slot() * list.slotLength();
        final long state = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        if (generation(state) != incarnation.generation())
        {
            return;
        }
        final int count = count(state);
        final int pinned = list.pinnedFirst();
        final int ring = list.eventsPerObject() - pinned;
        final int firstEnd = Math.min(count, pinned);
        for (int p = 0; p < firstEnd; p++)
        {
            final Event event = readEvent(list, slotOffset, incarnation.generation(), p);
            if (event != null)
            {
                visitor.accept(event);
            }
        }
        for (int p = Math.max(pinned, count - ring); p < count; p++)
        {
            final Event event = readEvent(list, slotOffset, incarnation.generation(), p);
            if (event != null)
            {
                visitor.accept(event);
            }
        }
    }

    /**
     * Position {@code position} of {@code incarnation}, read on its own: for a reader that follows a live
     * file and has read the positions before it already. The slot's State is read afresh, so positions
     * claimed after {@code incarnation} was read are found too; the record is read as
     * {@link #forEachEvent} reads each one (seqlock on its stamp, the list's checksum rule).
     *
     * @return the record with its status (VALID, or IN_FLIGHT, TORN, CHECKSUM_MISMATCH, CORRUPT); empty when
     *         the position holds nothing to read now: not claimed yet, dropped (neither pinned nor still in
     *         the ring), lapped by the ring while it was read, or the slot holds a newer incarnation.
     * @throws IllegalArgumentException if {@code position} is negative or the incarnation's slot is not
     *                                  one of its list's.
     */
    public Optional<Event> event(final Incarnation incarnation, final int position)
    {
        final ListInfo list = incarnation.list();
        requireReadable(list);
        if (position < 0)
        {
            throw new IllegalArgumentException("negative event position " + position);
        }
        if (incarnation.slot() < 0 || incarnation.slot() >= list.window())
        {
            throw new IllegalArgumentException("slot " + incarnation.slot() + " is not in list '" + list.name() +
                "' (window " + list.window() + ")");
        }
        final int slotOffset = list.regionOffset() + incarnation.slot() * list.slotLength();
        final long state = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        if (generation(state) != incarnation.generation())
        {
            return Optional.empty();
        }
        final int count = count(state);
        final int pinned = list.pinnedFirst();
        final int ring = list.eventsPerObject() - pinned;
        // Only kept positions are read: [0, min(count, P)) and [max(P, count - R), count).
        if (position >= count || (position >= pinned && (long)position < (long)count - ring))
        {
            return Optional.empty();
        }
        return Optional.ofNullable(readEvent(list, slotOffset, incarnation.generation(), position));
    }

    private Event readEvent(final ListInfo list, final int slotOffset, final int generation, final int position)
    {
        final int record = slotOffset + ObjectSlotDescriptor.HEADER_LENGTH +
            recordIndex(position, list.pinnedFirst(), list.eventsPerObject()) * list.entrySize();
        final long expected = EventDescriptor.stamp(generation, position);
        final int payloadLongs = EventDescriptor.payloadLongs(list.entrySize());
        final long[] payload = new long[payloadLongs];
        for (int attempt = 0; attempt < TORN_RETRIES; attempt++)
        {
            final long stampBefore = buffer.getLongVolatile(record + EventDescriptor.STAMP_OFFSET);
            final long timestamp = buffer.getLong(record + EventDescriptor.TIMESTAMP_OFFSET);
            final int pid = buffer.getInt(record + EventDescriptor.PID_OFFSET);
            final int threadId = buffer.getInt(record + EventDescriptor.THREAD_ID_OFFSET);
            final int verbId = buffer.getShort(record + EventDescriptor.VERB_ID_OFFSET) & 0xFFFF;
            final int flags = buffer.getShort(record + EventDescriptor.FLAGS_OFFSET) & 0xFFFF;
            final int formatId = buffer.getInt(record + EventDescriptor.FORMAT_ID_OFFSET);
            final int stackId = buffer.getInt(record + EventDescriptor.STACK_ID_OFFSET);
            final int checksum = buffer.getInt(record + EventDescriptor.CHECKSUM_OFFSET);
            for (int i = 0; i < payloadLongs; i++)
            {
                payload[i] = buffer.getLong(record + EventDescriptor.PAYLOAD_OFFSET + (i << 3));
            }
            VarHandle.loadLoadFence();
            final long stampAfter = buffer.getLongVolatile(record + EventDescriptor.STAMP_OFFSET);

            if (stampBefore != expected)
            {
                if (generation(buffer.getLongVolatile(slotOffset + STATE_OFFSET)) != generation)
                {
                    return null; // the slot was taken by a newer incarnation while we read: not ours to show
                }
                if ((int)(stampBefore >>> 32) == generation && (stampBefore & 0xFFFF_FFFFL) > position)
                {
                    if (isLappedBy(list, slotOffset, generation, position, stampBefore & 0xFFFF_FFFFL))
                    {
                        return null; // the ring lapped this position while we read: dropped, not lost
                    }
                    if (generation(buffer.getLongVolatile(slotOffset + STATE_OFFSET)) != generation)
                    {
                        return null; // pushed again between the two looks at State: a newer occupant's record
                    }
                    return invalid(position, EventStatus.CORRUPT, timestamp, pid, threadId);
                }
                return invalid(position, EventStatus.IN_FLIGHT, timestamp, pid, threadId);
            }
            if (stampAfter != stampBefore)
            {
                continue;
            }
            // The list, not the record, says whether records carry checksums: a flag inside the
            // record could be the very bit a stray write flipped.
            if (list.checksums())
            {
                if ((flags & EventDescriptor.FLAG_CHECKSUM) == 0)
                {
                    return invalid(position, EventStatus.CHECKSUM_MISMATCH, timestamp, pid, threadId);
                }
                long h = EventChecksum.headerHash(expected, timestamp, pid, threadId, verbId, flags, formatId, stackId);
                for (final long v : payload)
                {
                    h = EventChecksum.mix(h, v);
                }
                if (EventChecksum.fold(h) != checksum)
                {
                    return invalid(position, EventStatus.CHECKSUM_MISMATCH, timestamp, pid, threadId);
                }
            }
            return decode(position, timestamp, pid, threadId, verbId, flags, formatId, stackId, payload);
        }
        return invalid(position, EventStatus.TORN, 0, 0, 0);
    }

    /**
     * Whether a record expected to hold {@code position} can legitimately hold {@code stampedPosition}
     * instead: both share a ring record and the object has claimed that many events by now.
     */
    private boolean isLappedBy(
        final ListInfo list, final int slotOffset, final int generation, final int position, final long stampedPosition)
    {
        final int ring = list.eventsPerObject() - list.pinnedFirst();
        final long state = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        return position >= list.pinnedFirst() && (stampedPosition - position) % ring == 0 &&
            generation(state) == generation && stampedPosition < count(state);
    }

    private Event invalid(final int position, final EventStatus status, final long timestamp, final int pid,
        final int threadId)
    {
        return new Event(position, status, timestamp, 0, pid, threadId, "", "", Effect.NONE, "", new long[0],
            null, false, false, null);
    }

    private Event decode(
        final int position,
        final long timestamp,
        final int pid,
        final int threadId,
        final int verbId,
        final int flags,
        final int formatId,
        final int stackId,
        final long[] payload)
    {
        final long verb = verbEntry(verbId);
        final String verbName = verb == 0 ? (verbId == 0 ? "" : "verb#" + verbId) :
            string(VerbTableDescriptor.nameId(verb));
        final Effect effect = Effect.ofCode(VerbTableDescriptor.effectCode(verb));
        final boolean isText = (flags & EventDescriptor.FLAG_TEXT) != 0;
        final int argCount = isText ? 0 : Math.min(flags & EventDescriptor.FLAG_ARG_COUNT_MASK, payload.length);
        final long[] args = new long[argCount];
        System.arraycopy(payload, 0, args, 0, argCount);
        return new Event(position, EventStatus.VALID, timestamp, wallNanos(pid, timestamp), pid, threadId,
            threadName(pid, threadId), verbName, effect, string(formatId), args,
            isText ? unpackText(payload) : null, (flags & EventDescriptor.FLAG_TEXT_TRUNCATED) != 0,
            (flags & EventDescriptor.FLAG_COARSE_CLOCK) != 0,
            stackId == StringTableDescriptor.NO_STRING ? null : string(stackId));
    }

    private static String unpackText(final long[] payload)
    {
        final byte[] bytes = new byte[payload.length << 3];
        int length = 0;
        for (int i = 0; i < bytes.length; i++)
        {
            final byte b = (byte)(payload[i >> 3] >>> ((i & 7) << 3));
            if (b == 0)
            {
                break;
            }
            bytes[length++] = b;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Nothing to release: the mapping goes when this reader is unreachable. */
    @Override
    public void close()
    {
    }
}
