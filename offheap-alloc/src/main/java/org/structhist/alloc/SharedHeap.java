package org.structhist.alloc;

import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.StructHistory;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.format.TaggedIndex;
import org.structhist.alloc.internal.ChunkLocator;
import org.structhist.alloc.internal.FreeLists;
import org.structhist.alloc.internal.HeapFile;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.internal.PageBump;
import org.structhist.alloc.internal.ProcessTable;
import org.structhist.alloc.internal.Quarantine;
import org.structhist.io.WallClock;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.io.ProcessIdentity;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A heap in a memory-mapped file that several processes open at once: the home of shared, refcounted
 * structs. An address is the payload's offset in the file, so it is the same in every process and
 * printable as 0x...; 0 is never an address.
 * <p>
 * {@code allocate} and {@code free} take no lock: size classes each have a lock-free free list in the
 * file (ABA-safe tagged heads), refilled from never-used pages by one CAS. A process killed at any
 * instruction leaves the heap usable by the others; at worst the chunk it was taking or giving back is
 * lost to everyone (and a leak report names the chunks it still held). Every chunk has a header (state,
 * class, owner pid, generation, allocation time) that makes a double free a {@link DoubleFreeException}
 * and, with poisoning and the quarantine, a use after free a {@link UseAfterFreeException} from
 * {@link #checkLive} or the {@link #checked()} accessor.
 * <p>
 * Thread-safe; one instance per file per process is enough (it holds no per-thread state).
 */
public final class SharedHeap implements AutoCloseable
{
    /** What a freed payload is filled with when poisoning is on. */
    public static final byte POISON = (byte)0xDE;

    private final HeapFile file;
    private final HeapMemory memory;
    private final HeapLayout layout;
    private final FreeLists freeLists;
    private final PageBump pageBump;
    private final Quarantine quarantine;
    private final ChunkLocator locator;
    private final ProcessTable processes;
    private final HistoryList shm;
    private final int pid = (int)ProcessIdentity.PID;
    private final CheckedAccess checked;

    private SharedHeap(final HeapFile file, final HistoryList shm)
    {
        this.file = file;
        this.memory = file.memory;
        this.layout = file.layout;
        this.locator = new ChunkLocator(memory, layout);
        this.freeLists = new FreeLists(memory, FreeLists.pageTableCheck(locator));
        this.pageBump = new PageBump(memory, layout, freeLists);
        this.quarantine = layout.quarantineBudget > 0 ? new Quarantine(memory, layout, freeLists, locator) : null;
        this.processes = new ProcessTable(memory);
        this.shm = shm;
        this.checked = new CheckedAccess(this);
        processes.register(ProcessIdentity.PID, ProcessIdentity.START_MILLIS);
    }

    /** Opens {@code path}, creating a heap of {@code capacity} bytes if it does not exist. */
    public static SharedHeap open(final Path path, final long capacity)
    {
        return open(path, HeapOptions.capacity(capacity));
    }

    /**
     * Opens {@code path}, creating it with {@code options} if it does not exist; an existing heap must
     * have been created with the same capacity, poisoning and quarantine.
     *
     * @throws HeapException when the file cannot be created, allocated or attached, or differs, or the JVM
     *                       lacks the flag Agrona needs ({@link StructHistory#AGRONA_JVM_FLAG}).
     */
    public static SharedHeap open(final Path path, final HeapOptions options)
    {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (!StructHistory.hasAgronaAccess())
        {
            // Without this, the first buffer throws Agrona's raw IllegalAccessError: an Error naming no flag.
            throw new HeapException("the shared heap needs Agrona's access to memory, even with struct history " +
                "off, and this JVM was started without it: add " + StructHistory.AGRONA_JVM_FLAG +
                " to the java command line");
        }
        final HeapFile file = HeapFile.createOrAttach(path, options);
        if (!file.created)
        {
            final HeapLayout expected = file.requested;
            // The slot count matters only with a quarantine: without one the ring is never used, and a
            // refusal would name the same options on both sides ("quarantine off" twice).
            if (expected.fileLength != file.layout.fileLength || expected.poison != file.layout.poison ||
                expected.quarantineBudget != file.layout.quarantineBudget ||
                expected.quarantineBudget > 0 && expected.quarantineSlots != file.layout.quarantineSlots)
            {
                throw new HeapException("heap file " + path + " exists with " + describe(file.layout) +
                    "; this process asked for " + describe(expected) + " (use the same options, or another file)");
            }
        }
        HistoryList shm = null;
        if (StructHistory.ENABLED && !options.historyOff())
        {
            shm = options.history() != null ? options.history() : HistoryFile.openDefault().list("shm");
        }
        return new SharedHeap(file, shm);
    }

    private static String describe(final HeapLayout layout)
    {
        return "capacity " + layout.fileLength + " bytes, poison " + (layout.poison ? "on" : "off") + ", quarantine " +
            (layout.quarantineBudget == 0 ? "off" : layout.quarantineBudget + " bytes in " + layout.quarantineSlots +
            " slots");
    }

    /**
     * A chunk of at least {@code size} payload bytes; its contents are whatever the last user (or the
     * poison) left. Garbage-free.
     *
     * @throws IllegalArgumentException if {@code size} is negative or larger than {@link #maxAllocation()}.
     * @throws HeapExhaustedException   if no chunk of that size is free and no pages are left.
     */
    public long allocate(final long size)
    {
        final int sizeClass = SizeClasses.classFor(size);
        if (sizeClass < 0)
        {
            throw new IllegalArgumentException("cannot allocate " + size +
                " bytes: a chunk holds 0 to " + maxAllocation());
        }
        long index = freeLists.pop(sizeClass);
        if (index == 0)
        {
            index = pageBump.refill(sizeClass);
            // Out of pages: chunks waiting in the quarantine are memory too. Reuse beats failing. Bounded:
            // the byte count that drain's answer rests on is in the file.
            for (int round = 0; index == 0 && quarantine != null && round < DRAIN_ROUNDS && quarantine.drain(); round++)
            {
                index = freeLists.pop(sizeClass);
            }
            if (index == 0)
            {
                throw exhausted(size, sizeClass);
            }
        }
        if (index < 0)
        {
            throw corrupt(sizeClass, index == PageBump.CORRUPT ? "its page bump is not a page offset in its data" :
                "the free list of that class starts at an index that is no chunk of the class");
        }
        final long chunk = TaggedIndex.offsetOf(index);
        final long stateOffset = chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        final long freeWord = memory.getLongVolatile(stateOffset);
        if (ChunkHeaderDescriptor.state(freeWord) != ChunkHeaderDescriptor.STATE_FREE)
        {
            // Only a header overwritten from outside (a write past the end of the chunk before) gets here:
            // handing the chunk out would give it to two owners. Loud beats silent.
            throw new HeapException("heap " + file.path + " is corrupt: chunk " + hex(chunk +
                ChunkHeaderDescriptor.LENGTH) + " came off the free list of class " + sizeClass + " marked " +
                ChunkHeaderDescriptor.stateName(ChunkHeaderDescriptor.state(freeWord)) +
                "; was its header overwritten?");
        }
        final int generation = ChunkHeaderDescriptor.nextGeneration(ChunkHeaderDescriptor.generation(freeWord));
        memory.putInt(chunk + ChunkHeaderDescriptor.OWNER_PID_OFFSET, pid);
        memory.putInt(chunk + ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET, (int)size);
        memory.putLong(chunk + ChunkHeaderDescriptor.ALLOCATED_AT_OFFSET, WallClock.nanos());
        memory.putInt(chunk + ChunkHeaderDescriptor.FREED_BY_PID_OFFSET, 0);
        final long address = chunk + ChunkHeaderDescriptor.LENGTH;
        long handle = 0;
        if (StructHistory.ENABLED && shm != null)
        {
            handle = shm.pushHandle(address);
            shm.log(handle, ShmVerb.SHM_ALLOC, "alloc %d bytes, generation %d", size, generation & 0xFFFF_FFFFL);
        }
        memory.putLong(chunk + ChunkHeaderDescriptor.HISTORY_HANDLE_OFFSET, handle);
        memory.putLongRelease(stateOffset, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_ALLOCATED,
            sizeClass, generation));
        return address;
    }

    private HeapException corrupt(final int sizeClass, final String what)
    {
        return new HeapException("heap " + file.path + " is corrupt: allocating from size class " + sizeClass +
            ", " + what + " (or it changed without end); delete the file when no process uses it");
    }

    private HeapExhaustedException exhausted(final long size, final int sizeClass)
    {
        final HeapSummary summary = summary();
        return new HeapExhaustedException("heap " + file.path + " is full: no free chunk of " +
            SizeClasses.chunkSize(sizeClass) + " bytes for " + size + " requested, and " +
            (layout.fileLength - layout.dataOffset - summary.usedBytes()) + " of its " + layout.fileLength +
            " bytes are left uncarved (" + summary.allocatedChunks() + " chunks allocated" +
            (summary.quarantinedBytes() > 0 ? ", " + summary.quarantinedBytes() + " bytes in quarantine" : "") + ")");
    }

    /**
     * Frees the chunk that {@code allocate} returned as {@code address}. With poisoning its payload is
     * filled with {@link #POISON}; with the quarantine it waits there before it can be reused.
     *
     * @throws DoubleFreeException      if the chunk is not allocated now (freed already, by anyone).
     * @throws IllegalArgumentException if no allocation returned {@code address}.
     */
    public void free(final long address)
    {
        free(address, ANY_GENERATION);
    }

    /**
     * Frees {@code address} only if it is still the allocation of {@code generation} (what
     * {@link #generation} said when the caller took it): a free through a stale pointer, after the chunk
     * was freed and handed out again, would otherwise free the new owner's struct.
     *
     * @throws UseAfterFreeException if the chunk was allocated again since (another generation).
     * @throws DoubleFreeException   if it is not allocated now.
     */
    public void free(final long address, final int generation)
    {
        free(address, generation & 0xFFFF_FFFFL);
    }

    private static final long ANY_GENERATION = -1;
    /** Drains of the quarantine one allocation may try before it reports the heap full. */
    private static final int DRAIN_ROUNDS = 8;

    private void free(final long address, final long expectedGeneration)
    {
        final long chunk = chunkFor(address, "free");
        final long stateOffset = chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET;
        final long word = memory.getLongVolatile(stateOffset);
        final int sizeClass = ChunkHeaderDescriptor.sizeClass(word);
        if (sizeClass != locator.sizeClassAt(chunk))
        {
            // The class decides how much is poisoned and which list the chunk joins: it must be its page's.
            throw new HeapException("heap " + file.path + " is corrupt: the chunk at " + hex(address) + " says size " +
                "class " + sizeClass + " but its page says " + locator.sizeClassAt(chunk) + "; it was not freed");
        }
        if (ChunkHeaderDescriptor.generation(word) == 0)
        {
            throw new IllegalArgumentException("cannot free " + hex(address) + ": no allocation of heap " + file.path +
                " returned that address (its chunk was never allocated)");
        }
        if (expectedGeneration != ANY_GENERATION && ChunkHeaderDescriptor.state(word) ==
            ChunkHeaderDescriptor.STATE_ALLOCATED && (ChunkHeaderDescriptor.generation(word) & 0xFFFF_FFFFL) !=
            expectedGeneration)
        {
            throw useAfterFree(address, chunk, expectedGeneration);
        }
        if (ChunkHeaderDescriptor.state(word) != ChunkHeaderDescriptor.STATE_ALLOCATED ||
            !memory.compareAndSetLong(stateOffset, word, ChunkHeaderDescriptor.stateWord(
            ChunkHeaderDescriptor.STATE_QUARANTINED, sizeClass, ChunkHeaderDescriptor.generation(word))))
        {
            throw doubleFree(address, chunk);
        }
        // This thread alone moved it out of ALLOCATED: the chunk is its own until it is made free below.
        memory.putInt(chunk + ChunkHeaderDescriptor.FREED_BY_PID_OFFSET, pid);
        if (StructHistory.ENABLED && shm != null)
        {
            final long handle = memory.getLong(chunk + ChunkHeaderDescriptor.HISTORY_HANDLE_OFFSET);
            shm.log(handle, ShmVerb.SHM_FREE, "free %d bytes", memory.getInt(chunk +
                ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET));
            shm.unref(handle);
        }
        final long chunkSize = SizeClasses.chunkSize(sizeClass);
        if (layout.poison)
        {
            memory.setMemory(address, chunkSize - ChunkHeaderDescriptor.LENGTH, POISON);
        }
        final long index = TaggedIndex.indexOf(chunk);
        if (quarantine != null)
        {
            quarantine.add(index, chunkSize);
        }
        else
        {
            memory.putLongRelease(stateOffset, ChunkHeaderDescriptor.stateWord(ChunkHeaderDescriptor.STATE_FREE,
                sizeClass, ChunkHeaderDescriptor.generation(word)));
            freeLists.push(sizeClass, index);
        }
    }

    private DoubleFreeException doubleFree(final long address, final long chunk)
    {
        final ChunkInfo info = reader().chunkAt(address);
        if (StructHistory.ENABLED && shm != null && info.historyHandle() != 0)
        {
            shm.log(info.historyHandle(), ShmVerb.SHM_DOUBLE_FREE, "double free, chunk generation %d",
                info.generationUnsigned());
        }
        return new DoubleFreeException("double free of " + hex(address) + ": the chunk is " + info.stateName() +
            (info.freedByPid() != 0 ? ", freed by pid " + info.freedByPid() : "") + " (generation " +
            info.generationUnsigned() + ", allocated by pid " + info.ownerPid() + ")");
    }

    /** The header offset of the chunk {@code allocate} returned as {@code address}; refuses anything else. */
    private long chunkFor(final long address, final String operation)
    {
        final long chunk = locator.chunkOf(address);
        if (chunk == ChunkLocator.NONE || chunk + ChunkHeaderDescriptor.LENGTH != address)
        {
            throw new IllegalArgumentException("cannot " + operation + " " + hex(address) + ": no allocation of heap " +
                file.path + " returned that address" +
                (chunk == ChunkLocator.NONE ? "" : " (it lies inside the chunk at " +
                hex(chunk + ChunkHeaderDescriptor.LENGTH) + ")"));
        }
        return chunk;
    }

    /**
     * Checks that the chunk holding {@code address} (its start or any byte inside) is allocated now.
     *
     * @throws UseAfterFreeException if it is free or quarantined, or no chunk holds the address.
     */
    public void checkLive(final long address)
    {
        final long chunk = locator.chunkOf(address);
        if (chunk == ChunkLocator.NONE || ChunkHeaderDescriptor.state(memory.getLongVolatile(
            chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET)) != ChunkHeaderDescriptor.STATE_ALLOCATED)
        {
            logUseAfterFree(address, chunk, "use after free caught by checkLive at +%d, chunk generation %d");
            throw useAfterFree(address, chunk, -1);
        }
    }

    /**
     * Checks that the chunk holding {@code address} is allocated now and is still the allocation of
     * {@code generation} (see {@link #generation}): catches a use after the chunk was freed and reused.
     */
    public void checkLive(final long address, final int generation)
    {
        final long chunk = locator.chunkOf(address);
        final long word = chunk == ChunkLocator.NONE ? 0 :
            memory.getLongVolatile(chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET);
        if (chunk == ChunkLocator.NONE || ChunkHeaderDescriptor.state(word) != ChunkHeaderDescriptor.STATE_ALLOCATED ||
            ChunkHeaderDescriptor.generation(word) != generation)
        {
            // Reused (allocated again): the header's handle is the new occupant's, and logUseAfterFree
            // leaves it alone.
            logUseAfterFree(address, chunk, "use after free caught by checkLive at +%d, chunk generation %d");
            throw useAfterFree(address, chunk, generation);
        }
    }

    /**
     * Logs a use after free of the chunk holding {@code address} (an event after its SHM_FREE) through the
     * history handle in the chunk's header, which poisoning does not touch, while the chunk is freed or
     * quarantined. Once it is allocated again, its header belongs to the new occupant, whose history must
     * not receive the old one's events (invariant 2): nothing is logged then, and the handle's own check
     * ({@link HistoryList#logIfReleased}: only an incarnation whose chunk was freed) covers a reuse that
     * races this call. {@code format} takes the offset in the payload and the chunk's generation.
     */
    void logUseAfterFree(final long address, final long chunk, final String format)
    {
        if (!StructHistory.ENABLED || shm == null || chunk == ChunkLocator.NONE)
        {
            return;
        }
        final long word = memory.getLongVolatile(chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET);
        final int state = ChunkHeaderDescriptor.state(word);
        if (state != ChunkHeaderDescriptor.STATE_FREE && state != ChunkHeaderDescriptor.STATE_QUARANTINED)
        {
            return;
        }
        final long handle = memory.getLongVolatile(chunk + ChunkHeaderDescriptor.HISTORY_HANDLE_OFFSET);
        shm.logIfReleased(handle, ShmVerb.SHM_USE_AFTER_FREE, format, address - (chunk + ChunkHeaderDescriptor.LENGTH),
            ChunkHeaderDescriptor.generation(word) & 0xFFFF_FFFFL);
    }

    /** {@link #logUseAfterFree(long, long, String)} for an address whose chunk is not yet located. */
    void logUseAfterFree(final long address, final String format)
    {
        if (StructHistory.ENABLED && shm != null)
        {
            logUseAfterFree(address, locator.chunkOf(address), format);
        }
    }

    /** The generation of the allocation that {@code address} lies in (0 if none). */
    public int generation(final long address)
    {
        final long chunk = locator.chunkOf(address);
        return chunk == ChunkLocator.NONE ? 0 :
            ChunkHeaderDescriptor.generation(memory.getLongVolatile(chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET));
    }

    UseAfterFreeException useAfterFree(final long address, final long chunk, final long expectedGeneration)
    {
        if (chunk == ChunkLocator.NONE)
        {
            return new UseAfterFreeException("use of " + hex(address) + ": no chunk of heap " + file.path +
                " holds that address");
        }
        final ChunkInfo info = reader().chunkAt(address);
        final boolean reused = info.isAllocated();
        return new UseAfterFreeException("use after free of " + hex(address) + ": its chunk " +
            hex(info.address()) + " is " + (reused ? "allocated again (generation " + info.generationUnsigned() +
            ", expected " + (expectedGeneration & 0xFFFF_FFFFL) + ")" : info.stateName() + ", freed by pid " +
            info.freedByPid()) + "; allocated by pid " + info.ownerPid() + " as generation " +
            info.generationUnsigned());
    }

    /** The chunk holding {@code address}, or null if none. Allocates; not for hot paths. */
    public ChunkInfo chunk(final long address)
    {
        return reader().chunkAt(address);
    }

    /** Accessors that check, on every access, that the bytes lie in a live chunk's payload. */
    public CheckedAccess checked()
    {
        return checked;
    }

    /** A summary per size class, walked from the page table now. Allocates; not for hot paths. */
    public HeapSummary summary()
    {
        return reader().summary();
    }

    /** Chunks still allocated by processes that are dead now. */
    public List<ChunkInfo> leaks()
    {
        return reader().leaks();
    }

    /** A reader over this heap's mapping. */
    public HeapReader reader()
    {
        return new HeapReader(file.path, memory, layout);
    }

    public Path path()
    {
        return file.path;
    }

    public long capacity()
    {
        return layout.fileLength;
    }

    /** The largest {@code size} that {@link #allocate} accepts. */
    public static long maxAllocation()
    {
        return SizeClasses.maxPayload();
    }

    /**
     * Quarantine entries this process dropped because they were no quarantined chunk (a value written
     * into the file from outside); counted in process memory, 0 without a quarantine.
     */
    public long quarantineEntriesRefused()
    {
        return quarantine == null ? 0 : quarantine.entriesRefused();
    }

    /** The list SHM_ALLOC / SHM_FREE go to, or null when the automatic history is off. */
    public HistoryList historyList()
    {
        return shm;
    }

    HeapMemory memory()
    {
        return memory;
    }

    ChunkLocator locator()
    {
        return locator;
    }

    static String hex(final long address)
    {
        return "0x" + Long.toHexString(address);
    }

    // Raw accessors: no check at all, the cost of a plain memory access (plus Agrona's bounds check).

    public long getLong(final long address)
    {
        return memory.getLong(address);
    }

    public void putLong(final long address, final long value)
    {
        memory.putLong(address, value);
    }

    public long getLongVolatile(final long address)
    {
        return memory.getLongVolatile(address);
    }

    public void putLongRelease(final long address, final long value)
    {
        memory.putLongRelease(address, value);
    }

    public boolean compareAndSetLong(final long address, final long expected, final long update)
    {
        return memory.compareAndSetLong(address, expected, update);
    }

    public long getAndAddLong(final long address, final long delta)
    {
        return memory.getAndAddLong(address, delta);
    }

    public int getInt(final long address)
    {
        return memory.getInt(address);
    }

    public void putInt(final long address, final int value)
    {
        memory.putInt(address, value);
    }

    public int getIntVolatile(final long address)
    {
        return memory.getIntVolatile(address);
    }

    public void putIntRelease(final long address, final int value)
    {
        memory.putIntRelease(address, value);
    }

    public boolean compareAndSetInt(final long address, final int expected, final int update)
    {
        return memory.compareAndSetInt(address, expected, update);
    }

    public byte getByte(final long address)
    {
        return memory.getByte(address);
    }

    public void putByte(final long address, final byte value)
    {
        memory.putByte(address, value);
    }

    public void getBytes(final long address, final byte[] dst, final int offset, final int length)
    {
        memory.getBytes(address, dst, offset, length);
    }

    public void putBytes(final long address, final byte[] src, final int offset, final int length)
    {
        memory.putBytes(address, src, offset, length);
    }

    /**
     * Unmaps nothing (the mapping lives until collected, like Agrona's) but stops nothing either: kept
     * for try-with-resources symmetry with {@code HistoryFile}.
     */
    @Override
    public void close()
    {
        // Deliberately empty: other threads may still use addresses; unmapping under them would crash the JVM.
    }
}
