package org.structhist.reader;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.HistoryFormatException;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.HandleDescriptor;
import org.structhist.format.ListDescriptor;
import org.structhist.format.ListGeometry;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    private final String name;
    private final AtomicBuffer buffer;
    private final FileLayout layout;
    @SuppressWarnings("unused") // keeps the mapping alive for as long as this reader is reachable
    private final MappedByteBuffer mapping;
    private final StringTableView strings;
    private final ProcessRegistryView registry;
    private final EventRecordReader records;

    private HistoryReader(final String name, final AtomicBuffer buffer, final MappedByteBuffer mapping)
    {
        this.name = name;
        this.buffer = buffer;
        this.mapping = mapping;
        this.layout = FileLayout.read(buffer, buffer.capacity(), name);
        this.strings = new StringTableView(buffer, layout);
        this.registry = new ProcessRegistryView(buffer, layout, strings);
        this.records = new EventRecordReader(buffer, strings, registry);
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
        final String problem =
            ListGeometry.problem(window, events, pinned, entrySize, slotLength, regionOffset, layout);
        return new ListInfo(index, listName, window, events, pinned, entrySize, flags, slotLength, regionOffset,
            buffer.getLong(entry + ListDescriptor.CREATOR_PID_OFFSET),
            buffer.getLong(entry + ListDescriptor.CREATED_WALL_NANOS_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.PUSH_CURSOR_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.STALE_EVENTS_DROPPED_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.EVENTS_REFUSED_OFFSET),
            problem,
            buffer.getLongVolatile(entry + ListDescriptor.FOREIGN_HANDLE_CLAIMS_OFFSET),
            buffer.getLongVolatile(entry + ListDescriptor.STALE_EVENTS_UNATTRIBUTED_OFFSET));
    }

    /** Every writer in the registry, with whether it is alive now. */
    public List<WriterInfo> writers()
    {
        return registry.writers();
    }

    /**
     * Lets lookups find writers registered since the registry was first read: call it between polls of
     * a live file. Nothing is read again until a lookup misses.
     */
    public void refresh()
    {
        registry.refresh();
    }

    /** The writer registered with {@code pid}, if any. */
    public Optional<WriterInfo> writer(final long pid)
    {
        return registry.writer(pid);
    }

    /** Wall time (epoch ns) of a {@code System.nanoTime()} value taken by process {@code pid}. */
    public long wallNanos(final long pid, final long nanoTime)
    {
        return registry.wallNanos(pid, nanoTime);
    }

    /**
     * Whether process {@code pid} runs now, asked of the OS on every call (never cached): by pid and start
     * time for a registered writer (a pid alone is reused), by pid alone for one the registry lacks.
     */
    public boolean isWriterAlive(final long pid)
    {
        return registry.isWriterAlive(pid);
    }

    /** The registered name of thread {@code threadId} of {@code pid}, or "thread-ID". */
    public String threadName(final int pid, final int threadId)
    {
        return registry.threadName(pid, threadId);
    }

    /** The string with id {@code id}: "" for 0, a marker for an id that does not lead to a string. */
    public String string(final int id)
    {
        return strings.string(id);
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
        result.sort(Comparator.comparingInt((Incarnation i) -> i.list().index())
            .thenComparingLong(Incarnation::pushNumber));
        return result;
    }

    /** The incarnation {@code handle} refers to, if it is still in the window. */
    public Optional<Incarnation> incarnation(final long handle)
    {
        final int listIndex = HandleDescriptor.listIndex(handle);
        final long pushNumber = HandleDescriptor.pushNumber(handle);
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
        final long refDeltaWord = buffer.getLongVolatile(slotOffset + CLAIMED_REF_DELTA_OFFSET);
        VarHandle.loadLoadFence();
        final int headerGenerationAfter = buffer.getIntVolatile(slotOffset + HEADER_GENERATION_OFFSET);
        final long stateAfter = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        final boolean headerValid = headerGeneration == generation && headerGenerationAfter == generation &&
            generation(stateAfter) == generation && pushNumber >= 0 && pushNumber % list.window() == slot &&
            generationOf(pushNumber, list.window()) == generation &&
            headerChecksum == headerChecksum(generation, pushNumber, address, pushTime, creatorPid, creatorThread);
        final long expectedPushNumber = (Integer.toUnsignedLong(generation) - 1) * list.window() + slot;
        return new Incarnation(list, slot, generation, headerValid ? pushNumber : expectedPushNumber,
            HandleDescriptor.handle(list.index(), headerValid ? pushNumber : expectedPushNumber),
            headerValid ? address : 0, headerValid ? creatorPid : 0, headerValid ? creatorThread : 0,
            headerValid ? pushTime : 0, isUnref(stateAfter),
            // An unref of an earlier occupant can land its time after this push: only a later time is ours.
            isUnref(stateAfter) && headerValid && unrefTime - pushTime >= 0 ? unrefTime : 0,
            count(stateAfter), staleDropped, headerValid,
            // The word is the occupant's only when it carries the occupant's generation: a push still
            // being written (or one that lost a race) leaves an older generation there.
            refDeltaGeneration(refDeltaWord) == generation ? refDelta(refDeltaWord) : Incarnation.UNKNOWN_REF_DELTA);
    }

    /**
     * What was logged through handles of this list's incarnations after they left the window, per evicted
     * push (bounded: see FORMAT.md). Empty when the file does not keep it.
     */
    public List<StaleHandleEvents> staleHandleEvents(final ListInfo list)
    {
        requireReadable(list);
        final int entry = ListDescriptor.entryOffset(layout.listDirectoryOffset, list.index());
        final long pushed = buffer.getLongVolatile(entry + ListDescriptor.PUSH_CURSOR_OFFSET);
        final List<StaleHandleEvents> result = new ArrayList<>();
        for (int i = 0; i < ListDescriptor.STALE_HANDLE_TABLE_ENTRIES; i++)
        {
            final long word = buffer.getLongVolatile(entry + ListDescriptor.STALE_HANDLE_TABLE_OFFSET + i * Long.BYTES);
            final int events = ListDescriptor.staleEvents(word);
            if (events == 0)
            {
                continue;
            }
            // The tag is the low 32 bits of the push number: the push is the latest one made with them.
            final long pushNumber = pushed - ((pushed - ListDescriptor.staleTag(word)) & 0xFFFF_FFFFL);
            if (pushNumber < 0 || pushNumber >= pushed || pushNumber % ListDescriptor.STALE_HANDLE_TABLE_ENTRIES != i)
            {
                continue; // no push this list made: a stray write, not to be attributed to anyone
            }
            result.add(new StaleHandleEvents(list, pushNumber, 0, events, ListDescriptor.staleRefDelta(word),
                netAtEviction(list, pushNumber)));
        }
        result.sort(Comparator.comparingLong(StaleHandleEvents::pushNumber));
        return result;
    }

    /**
     * The net of push {@code pushNumber}'s claimed REFs and UNREFs when the next push replaced it: its slot's
     * Evicted Ref Delta while that still holds the push's generation (the slot was not pushed again since).
     */
    private long netAtEviction(final ListInfo list, final long pushNumber)
    {
        final int slotOffset = list.regionOffset() + (int)(pushNumber % list.window()) * list.slotLength();
        final long word = buffer.getLongVolatile(slotOffset + EVICTED_REF_DELTA_OFFSET);
        return refDeltaGeneration(word) == generationOf(pushNumber, list.window()) ? refDelta(word) :
            StaleHandleEvents.UNKNOWN_NET;
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
            final Event event = records.read(list, slotOffset, incarnation.generation(), p);
            if (event != null)
            {
                visitor.accept(event);
            }
        }
        for (int p = Math.max(pinned, count - ring); p < count; p++)
        {
            final Event event = records.read(list, slotOffset, incarnation.generation(), p);
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
        return Optional.ofNullable(records.read(list, slotOffset, incarnation.generation(), position));
    }

    /** Nothing to release: the mapping goes when this reader is unreachable. */
    @Override
    public void close()
    {
    }
}
