package org.structhist.stress.jcstress;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.alloc.DoubleFreeException;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.RefCount;
import org.structhist.alloc.RefcountException;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.TaggedIndex;
import org.structhist.alloc.internal.FreeLists;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.reader.ChunkInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What the allocator tests of one fork share, in {@link Fixture}'s directory. Like the history files, a
 * heap per jcstress state is out of the question (a heap file is at least 1 MiB, written in full when
 * created, and ten thousand states are alive at once), so:
 * <ul>
 * <li>the free-list tests take a {@link Stack}: one Treiber stack of {@link FreeLists} with four known
 * chunks, private to the state, so that the arbiter can walk it exactly. {@code FreeLists} finds the
 * head of class 0 at byte 2048 of the memory it is given; each stack is a {@link HeapMemory} over a slice
 * of one mapped file that starts 2048 bytes before the 320 bytes the stack owns (the head's cache line
 * and four 64-byte chunks). The slices overlap only in those first 2048 bytes, which FreeLists never
 * touches, so a stack costs 320 bytes and no mapping of its own;</li>
 * <li>the heap tests use one {@link TestHeap} per fork, opened twice (two {@link SharedHeap} instances
 * on one file share nothing but the mapping: two processes). States allocate in their constructors and
 * give everything back in their arbiters, so the heap never runs out.</li>
 * </ul>
 * A shared heap is shared by every state, and its arbiters and constructors run on two threads at once
 * (jcstress's consume phase), so a state cannot walk a free list of the heap. What a wrong free list
 * leads to is a chunk handed out twice; the {@link Ledger} catches that for every allocation of the fork,
 * including the recycling ones, so neither the recycling nor another state's traffic can hide it.
 */
final class AllocFixture
{
    static final int STACKS = Integer.getInteger("structhist.stress.stacks", 3 * 12288);
    static final long HEAP_BYTES = 32L << 20;
    /**
     * Frees the quarantined heap holds back: more than the frees of one jcstress round (one per state of
     * the refcount tests, two at most, 10240 states), so a chunk freed by an actor is still quarantined
     * when its arbiter looks.
     */
    static final int QUARANTINE_SLOTS = 1 << 16;

    /** A struct of the refcount tests: the count at 0, the history handle at 8. */
    static final int STRUCT_BYTES = 16;
    static final int COUNT_OFFSET = 0;
    static final int HISTORY_OFFSET = 8;

    // Arbiter codes shared by the heap tests; a test's outcomes name the ones it can see.
    /** An allocation returned a chunk that another allocation still held: a chunk handed out twice. */
    static final int HANDED_OUT_TWICE = -20;
    /** A chunk its holder never freed is no longer allocated at the generation its allocation saw. */
    static final int NOT_LIVE = -21;
    /** The arbiter's free of a live chunk it held was refused or failed. */
    static final int RECYCLE_FAILED = -22;
    /**
     * A chunk freed by an actor was out of the quarantine (free, or allocated again) before its arbiter
     * looked: the quarantine released it early, or it was handed out while still allocated.
     */
    static final int REUSED_EARLY = -23;

    // What an actor's free, ref or unref returned besides success (a count, or FREED).
    static final int FREED = 1;
    /** {@link RefcountException}: a ref or unref refused. */
    static final int REFUSED = -1;
    /** {@link DoubleFreeException}, from a free or from the free of an unref that reached 0. */
    static final int DOUBLE_FREE = -2;
    /** Any other exception. */
    static final int FAILED = -3;

    private AllocFixture()
    {
    }

    /**
     * A Treiber stack of {@link FreeLists} (class 0) with four chunks, numbered 1 to 4 (A to D) in its
     * results, private to one jcstress state until its arbiter gives it back.
     */
    static final class Stack
    {
        static final int HEAD_ENTRY = SizeClassDescriptor.entryOffset(0);
        static final int HEAD = HEAD_ENTRY + SizeClassDescriptor.FREE_HEAD_OFFSET;
        static final int FIRST_CHUNK = HEAD_ENTRY + SizeClassDescriptor.LENGTH;
        static final int CHUNK_BYTES = 64;
        static final int CHUNKS = 4;
        /** The bytes a stack owns: the head's cache line and its chunks. */
        static final int BYTES = SizeClassDescriptor.LENGTH + CHUNKS * CHUNK_BYTES;
        /** What {@link #contents} returns for a list that links more than four chunks: one is on it twice. */
        static final int CYCLE = -2;
        /** What {@link #number} and {@link #contents} return for an index that is none of the four chunks. */
        static final int GARBAGE = -1;

        final HeapMemory memory;
        final FreeLists lists;

        Stack(final HeapMemory memory)
        {
            this.memory = memory;
            this.lists = new FreeLists(memory);
        }

        /** The index of chunk {@code n} (1 to 4). */
        static long chunk(final int n)
        {
            return TaggedIndex.indexOf(FIRST_CHUNK + (long)(n - 1) * CHUNK_BYTES);
        }

        /** The number (1 to 4) of the chunk at {@code index}, 0 for none, {@link #GARBAGE} for anything else. */
        static int number(final long index)
        {
            if (index == 0)
            {
                return 0;
            }
            final long offset = TaggedIndex.offsetOf(index) - FIRST_CHUNK;
            return offset >= 0 && offset % CHUNK_BYTES == 0 && offset / CHUNK_BYTES < CHUNKS ?
                (int)(offset / CHUNK_BYTES) + 1 : GARBAGE;
        }

        /** Zeroes the stack and links {@code topFirst} into it, top first, with the head's tag at 1. */
        Stack reset(final int... topFirst)
        {
            memory.setMemory(HEAD_ENTRY, BYTES, (byte)0);
            for (int i = 0; i < topFirst.length; i++)
            {
                memory.putLong(TaggedIndex.offsetOf(chunk(topFirst[i])) + ChunkHeaderDescriptor.NEXT_OFFSET,
                    i + 1 < topFirst.length ? chunk(topFirst[i + 1]) : 0);
            }
            memory.putLongRelease(HEAD, topFirst.length == 0 ? 0 : TaggedIndex.next(0, chunk(topFirst[0])));
            return this;
        }

        int pop()
        {
            return number(lists.pop(0));
        }

        void push(final int n)
        {
            lists.push(0, chunk(n));
        }

        /**
         * The list from the top, one decimal digit per chunk (243: B, D, C), 0 when empty; {@link #CYCLE}
         * when it links more than four chunks, {@link #GARBAGE} when it links something else.
         */
        int contents()
        {
            long index = TaggedIndex.index(memory.getLongVolatile(HEAD));
            int digits = 0;
            for (int links = 0; index != 0; links++)
            {
                if (links == CHUNKS)
                {
                    return CYCLE;
                }
                final int n = number(index);
                if (n < 0)
                {
                    return GARBAGE;
                }
                digits = digits * 10 + n;
                index = memory.getLongVolatile(TaggedIndex.offsetOf(index) + ChunkHeaderDescriptor.NEXT_OFFSET) &
                    TaggedIndex.INDEX_MASK;
            }
            return digits;
        }
    }

    static final class Stacks
    {
        private static final ConcurrentLinkedQueue<Stack> FREE = new ConcurrentLinkedQueue<>();

        static
        {
            final Path path = Fixture.directory().resolve("stacks.bin");
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final long size = Stack.HEAD_ENTRY + (long)STACKS * Stack.BYTES;
                final MappedByteBuffer all = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
                for (int i = 0; i < STACKS; i++)
                {
                    // Stack i owns bytes [HEAD_ENTRY, HEAD_ENTRY + BYTES) of its view: no other view's.
                    final MappedByteBuffer view = all.slice(i * Stack.BYTES, Stack.HEAD_ENTRY + Stack.BYTES);
                    FREE.add(new Stack(new HeapMemory(new MappedByteBuffer[] {view}, view.capacity())));
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private Stacks()
        {
        }

        static Stack take(final int... topFirst)
        {
            final Stack stack = FREE.poll();
            if (stack == null)
            {
                throw new IllegalStateException("all " + STACKS + " stacks are taken: more jcstress states are alive " +
                    "at once than -Dstructhist.stress.stacks");
            }
            return stack.reset(topFirst);
        }

        static void give(final Stack stack)
        {
            FREE.add(stack);
        }
    }

    /**
     * Which chunks of a heap the tests hold, kept in the JVM's own memory, outside the heap: per chunk
     * the generation its allocation saw, 0 when no test holds it. An allocation enters its chunk (by CAS
     * from 0), so a chunk handed out while another allocation still holds it is caught whichever states
     * the two belong to. A chunk leaves it before anything that may free it (a free, an unref), never
     * after: once freed, the chunk may be handed out again at once. Chunks are at least 64 bytes apart,
     * so a chunk's offset divided by 64 is its own entry.
     */
    static final class Ledger
    {
        private final AtomicIntegerArray generations;

        Ledger(final long heapBytes)
        {
            this.generations = new AtomicIntegerArray((int)(heapBytes >>> 6));
        }

        private static int entry(final long address)
        {
            return (int)((address - ChunkHeaderDescriptor.LENGTH) >>> 6);
        }

        /** Enters an allocation; false if the chunk was held already (handed out twice). */
        boolean take(final long address, final int generation)
        {
            return generations.compareAndSet(entry(address), 0, generation);
        }

        /** Lets go of a chunk about to be freed; false if it was not held at that generation. */
        boolean forget(final long address, final int generation)
        {
            return generations.compareAndSet(entry(address), generation, 0);
        }
    }

    /** A chunk a state allocated, and whether the ledger took it (false: someone else held it). */
    static final class Held
    {
        final long address;
        final int generation;
        final boolean taken;

        Held(final long address, final int generation, final boolean taken)
        {
            this.address = address;
            this.generation = generation;
            this.taken = taken;
        }
    }

    /**
     * A heap file opened by two {@link SharedHeap}s ("process A" and "process B"), its ledger, and a
     * {@link RefCount} for structs of {@link #STRUCT_BYTES}. The automatic history goes to a list of
     * the fork's history file, as with {@code -Dstructhist=true} in production.
     */
    static final class TestHeap
    {
        final SharedHeap a;
        final SharedHeap b;
        final Ledger ledger = new Ledger(HEAP_BYTES);
        /** Structs through process A and through process B. */
        final RefCount refs;
        final RefCount refsB;

        TestHeap(final String name, final HeapOptions options)
        {
            final Path path = Fixture.directory().resolve(name + ".heap");
            final HeapOptions logged = options.history(Histories.SHM);
            this.a = SharedHeap.open(path, logged);
            this.b = SharedHeap.open(path, logged);
            this.refs = new RefCount(a, Histories.REFS, COUNT_OFFSET, HISTORY_OFFSET);
            this.refsB = new RefCount(b, Histories.REFS, COUNT_OFFSET, HISTORY_OFFSET);
        }

        /** Allocates through {@code heap} and enters the chunk in the ledger. */
        Held allocate(final SharedHeap heap, final long size)
        {
            final long address = heap.allocate(size);
            final int generation = heap.generation(address);
            return new Held(address, generation, ledger.take(address, generation));
        }

        /** A struct with count 1 through {@link #refs}, entered in the ledger. */
        Held create()
        {
            final long address = refs.create(STRUCT_BYTES, "create");
            final int generation = a.generation(address);
            return new Held(address, generation, ledger.take(address, generation));
        }

        /** An actor's free through {@code heap}: {@link #FREED}, {@link #DOUBLE_FREE} or {@link #FAILED}. */
        int free(final SharedHeap heap, final Held held)
        {
            // Before the free: once freed, the chunk may be handed out again at once. The second of two
            // frees finds it forgotten already, which is no error of the heap's.
            ledger.forget(held.address, held.generation);
            try
            {
                heap.free(held.address);
                return FREED;
            }
            catch (final DoubleFreeException ex)
            {
                return DOUBLE_FREE;
            }
            catch (final RuntimeException ex)
            {
                return FAILED;
            }
        }

        /** An actor's ref through {@code counts}: the new count, {@link #REFUSED} or {@link #FAILED}. */
        static int ref(final RefCount counts, final Held held)
        {
            try
            {
                return counts.ref(held.address, "ref");
            }
            catch (final RefcountException ex)
            {
                return REFUSED;
            }
            catch (final RuntimeException ex)
            {
                return FAILED;
            }
        }

        /**
         * An actor's unref through {@code counts}: the new count, {@link #REFUSED}, {@link #DOUBLE_FREE}
         * (its free of the struct was refused) or {@link #FAILED}.
         */
        int unref(final RefCount counts, final Held held)
        {
            ledger.forget(held.address, held.generation); // it may be the last: see free
            try
            {
                return counts.unref(held.address, "unref");
            }
            catch (final RefcountException ex)
            {
                return REFUSED;
            }
            catch (final DoubleFreeException ex)
            {
                return DOUBLE_FREE;
            }
            catch (final RuntimeException ex)
            {
                return FAILED;
            }
        }

        /**
         * Gives back a live struct the state holds by unrefs through {@link #refs} until one destroys it:
         * 0 when exactly {@code count} unrefs did and left the chunk freed, else {@link #RECYCLE_FAILED}.
         */
        int release(final Held held, final int count)
        {
            ledger.forget(held.address, held.generation);
            try
            {
                for (int expected = count - 1; expected >= 0; expected--)
                {
                    if (refs.unref(held.address, "release") != expected)
                    {
                        return RECYCLE_FAILED;
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                return RECYCLE_FAILED;
            }
            final ChunkInfo info = chunk(held);
            return info.generation() == held.generation && !info.isAllocated() ? 0 : RECYCLE_FAILED;
        }

        /** The chunk's header now. */
        ChunkInfo chunk(final Held held)
        {
            return a.chunk(held.address);
        }

        /** Whether the chunk is allocated at the generation its allocation saw. */
        boolean live(final Held held)
        {
            final ChunkInfo info = chunk(held);
            return info.isAllocated() && info.generation() == held.generation;
        }

        /**
         * Gives back a chunk the state holds and never freed: 0, or {@link #HANDED_OUT_TWICE},
         * {@link #NOT_LIVE} or {@link #RECYCLE_FAILED}. Checks before it frees, so that the recycling
         * cannot free a chunk someone else holds now.
         */
        int recycle(final Held held)
        {
            if (!held.taken)
            {
                return HANDED_OUT_TWICE;
            }
            if (!live(held))
            {
                return NOT_LIVE;
            }
            if (!ledger.forget(held.address, held.generation))
            {
                return RECYCLE_FAILED;
            }
            try
            {
                a.free(held.address);
                return 0;
            }
            catch (final RuntimeException ex)
            {
                return RECYCLE_FAILED;
            }
        }
    }

    /** The fork's history file for the heaps: "shm" (the heap's own events) and "refs" (RefCount's). */
    static final class Histories
    {
        static final HistoryFile FILE = HistoryFile.open(Fixture.directory().resolve("alloc.hist"),
            FileOptions.defaults().sizeBytes(16L << 20));
        static final HistoryList SHM = FILE.list("shm", ListOptions.window(8192).eventsPerObject(4));
        static final HistoryList REFS = FILE.list("refs", ListOptions.window(8192).eventsPerObject(4));

        private Histories()
        {
        }
    }

    /** No quarantine, no poisoning: a freed chunk is on its free list at once, the next to be handed out. */
    static final class Plain
    {
        static final TestHeap HEAP = new TestHeap("plain", HeapOptions.capacity(HEAP_BYTES));

        private Plain()
        {
        }
    }

    /**
     * A quarantine of {@link #QUARANTINE_SLOTS} chunks (and bytes to spare), no poisoning: a chunk freed
     * by an actor is still marked freed, with its payload as the free left it, when its arbiter looks.
     */
    static final class Quarantined
    {
        static final TestHeap HEAP = new TestHeap("quarantined", HeapOptions.capacity(HEAP_BYTES)
            .quarantineSlots(QUARANTINE_SLOTS).quarantineBytes(HEAP_BYTES / 2));

        private Quarantined()
        {
        }
    }
}
