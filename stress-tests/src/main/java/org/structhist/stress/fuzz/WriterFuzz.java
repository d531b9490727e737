package org.structhist.stress.fuzz;

import org.structhist.ClockMode;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistoryException;
import org.structhist.alloc.HeapException;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.format.FileLayout;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;
import org.structhist.stress.StressVerb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The writer fuzz target (invariant 10, issue 10): a real history file and a real heap file the library
 * wrote, mutated in one region at a time (the regions take turns, so each gets its share of executions),
 * then attached to as a writer and used: existing and new lists, push, log (numbers and text, from this
 * thread and a fresh one), unref, a stale handle; allocate in several classes, free, free the seed's own
 * chunks, checked access. Every operation must succeed or throw what the API documents
 * ({@link StructHistoryException}, {@link HeapException} and its subclasses, the IllegalArgumentException
 * of {@code free} for an address no allocation returned, the IndexOutOfBoundsException of checked access
 * outside an allocation), each with a sentence. A finding is anything else: an out-of-bounds access
 * (Agrona's bounds check is on here), another exception or error, or an execution longer than
 * {@link #HANG_SECONDS} (a hang).
 */
public final class WriterFuzz
{
    /**
     * Longer than the one wait the library documents, list lookup's 10 s for an entry another live process
     * is initialising (a hostile State naming a live pid, such as 1, costs exactly that, then refuses).
     */
    public static final int HANG_SECONDS = 30;
    static final long HISTORY_BYTES = 64 * 1024;
    static final long HEAP_BYTES = 4L << 20;
    /** A short attach timeout: a mutated Format Version of 0 reads as "still being created", waited on that long. */
    private static final FileOptions HISTORY_OPTIONS = FileOptions.defaults().sizeBytes(HISTORY_BYTES).maxLists(4)
        .maxWriters(8).maxThreads(64).maxVerbs(32).stringIndexCapacity(256).stringDataBytes(8192)
        .attachTimeoutMillis(50);
    private static final ListOptions CONNS = ListOptions.window(8).eventsPerObject(8).pinnedFirst(2);
    private static final ListOptions TEXTS = ListOptions.window(4).eventsPerObject(4).entrySize(128)
        .clock(ClockMode.COARSE);
    private static final HeapOptions HEAP_OPTIONS = HeapOptions.capacity(HEAP_BYTES).poison(true).quarantineBytes(4096)
        .quarantineSlots(16).history(null).attachTimeoutMillis(50);
    /** Each at least 8 bytes: the 8-byte checked accesses must fit the seed's own allocations. */
    /**
     * A list the seed makes first and no execution writes: its slots lie just before the lists that are
     * written, where a push numbered from a bad cursor would land (slot -1), so a write there is a finding
     * even though it stays inside the mapping and no bounds check sees it.
     */
    private static final String GUARD = "guard";
    private static final ListOptions GUARD_OPTIONS = ListOptions.window(2).eventsPerObject(2);
    private int guardStart;
    private int guardEnd;

    private static final long[] SIZES = {8, 16, 100, 1000, 20_000, 70_000};

    /** One region of a seed file that mutations stay inside. */
    private static final class Region
    {
        final String name;
        final boolean heap;
        final int start;
        final int end;
        /** When set, each patch lands in the {@link ChunkHeaderDescriptor#LENGTH} bytes from one of these. */
        final int[] anchors;
        long executions;
        long refused;
        long slowestNanos;
        String lastRefusal = "";
        /** Operations the library turned into counted no-ops (HistoryList.writesRefused, quarantine entries). */
        long counted;

        Region(final String name, final boolean heap, final int start, final int end)
        {
            this(name, heap, start, end, null);
        }

        Region(final String name, final boolean heap, final int start, final int end, final int[] anchors)
        {
            this.name = name;
            this.heap = heap;
            this.start = start;
            this.end = end;
            this.anchors = anchors;
        }

        /** Where a patch of {@code width} bytes goes: aligned to its width, inside the region. */
        int offset(final Choices choices, final int width)
        {
            if (anchors != null)
            {
                return anchors[choices.pick(0, anchors.length - 1)] +
                    (choices.pick(0, ChunkHeaderDescriptor.LENGTH - width) & -width);
            }
            return Math.max(start, Math.min(end - width, choices.pick(start, end - 1) & -width));
        }
    }

    private static final boolean VERBOSE = Boolean.getBoolean("structhist.stress.writerFuzz.verbose");

    private final Path dir;
    private final byte[] historySeed;
    private final byte[] heapSeed;
    private final long[] heapLive;
    private final int[] heapChunks;
    private final List<Region> regions = new ArrayList<>();
    private long executions;
    private Path lastMutant;
    private long countedNoOps;

    /** Writes the seed files into {@code dir} (with the library, switched on) and keeps their bytes. */
    public WriterFuzz(final Path dir)
    {
        this.dir = dir;
        this.historySeed = historySeed(dir.resolve("seed.hist"));
        final List<Long> live = new ArrayList<>();
        final List<Long> all = new ArrayList<>();
        this.heapSeed = heapSeed(dir.resolve("seed.heap"), live, all);
        this.heapLive = live.stream().mapToLong(Long::longValue).toArray();
        this.heapChunks = all.stream().mapToInt(a -> (int)(a - ChunkHeaderDescriptor.LENGTH)).toArray();
        historyRegions(dir.resolve("seed.hist"));
        heapRegions();
    }

    public long executions()
    {
        return executions;
    }

    /**
     * One execution: mutates the next region's bytes from {@code choices}, then writes through the
     * library. Throws AssertionError on a finding.
     */
    public void execute(final Choices choices)
    {
        final Region region = regions.get((int)(executions % regions.size()));
        final byte[] bytes = (region.heap ? heapSeed : historySeed).clone();
        final int patches = choices.pick(1, 4);
        for (int p = 0; p < patches; p++)
        {
            final int width = 1 << choices.pick(0, 3);
            final int at = region.offset(choices, width);
            final long value = value(choices, bytes.length);
            for (int k = 0; k < width; k++)
            {
                bytes[at + k] = (byte)(value >>> (8 * k));
            }
        }
        executions++;
        region.executions++;
        final Path mutant = dir.resolve("mutant-" + executions + (region.heap ? ".heap" : ".hist"));
        lastMutant = mutant;
        write(mutant, bytes);
        final long started = System.nanoTime();
        try
        {
            countedNoOps = 0;
            final boolean refused = region.heap ? useHeap(mutant, choices) : useHistory(mutant, choices);
            region.counted += countedNoOps;
            if (!region.heap)
            {
                requireGuardUntouched(mutant, bytes);
            }
            region.refused += refused ? 1 : 0;
            region.lastRefusal = refused ? lastRefusal : region.lastRefusal;
        }
        finally
        {
            region.slowestNanos = Math.max(region.slowestNanos, System.nanoTime() - started);
            try
            {
                Files.deleteIfExists(mutant);
            }
            catch (final IOException ignore)
            {
                // Left in the scratch directory, which the loop deletes.
            }
        }
    }

    /** Writes through every part of the history file; true if the library refused anything (documented). */
    private boolean useHistory(final Path mutant, final Choices choices)
    {
        final HistoryFile file;
        try
        {
            file = HistoryFile.open(mutant, HISTORY_OPTIONS);
        }
        catch (final StructHistoryException ex)
        {
            return documented(ex);
        }
        boolean refused = false;
        try
        {
            final HistoryList conns = file.list("conns", CONNS);
            final long stale = conns.pushHandle(1);
            for (int i = 0; i < 10; i++)
            {
                final long handle = conns.pushHandle(0x1000 + i);
                conns.log(handle, StressVerb.REF, "ref %d (%d)", i, 1);
                conns.log(handle, StressVerb.WRITE, "write %d bytes to %x at %d", i, 2, 3);
                conns.log(handle, StressVerb.WRITE, "peer %s", "text " + choices.pick(0, 99));
                conns.unref(handle);
            }
            conns.log(stale, StressVerb.STALE, "stale %d", 1);
            conns.history(conns.pushHandle(2)).log(StressVerb.WRITE, "through a History");
            countedNoOps += conns.writesRefused();
        }
        catch (final StructHistoryException ex)
        {
            refused = documented(ex);
        }
        try
        {
            final HistoryList texts = file.list("texts", TEXTS);
            texts.log(texts.pushHandle(3), StressVerb.WRITE, "coarse %s", "τext");
            countedNoOps += texts.writesRefused();
        }
        catch (final StructHistoryException ex)
        {
            refused = documented(ex);
        }
        try
        {
            final HistoryList fresh =
                file.list("fresh " + choices.pick(0, 3), ListOptions.window(2).eventsPerObject(2));
            fresh.log(fresh.pushHandle(4), StressVerb.REF, "new list %d", 1);
            countedNoOps += fresh.writesRefused();
        }
        catch (final StructHistoryException ex)
        {
            refused = documented(ex);
        }
        refused |= fromAnotherThread(file);
        file.close();
        return refused;
    }

    private void requireGuardUntouched(final Path mutant, final byte[] written)
    {
        final byte[] now;
        try
        {
            now = Files.readAllBytes(mutant);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        for (int i = guardStart; i < guardEnd; i++)
        {
            if (now[i] != written[i])
            {
                throw new AssertionError("byte " + i + " of list '" + GUARD +
                    "', which no execution writes, changed: " +
                    "a write landed outside the list it was meant for");
            }
        }
    }

    /** A thread that has never logged registers itself in the thread table (its cursor comes from the file). */
    private static boolean fromAnotherThread(final HistoryFile file)
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicReference<Boolean> refused = new AtomicReference<>(false);
        final Thread thread = new Thread(() ->
        {
            try
            {
                final HistoryList conns = file.list("conns", CONNS);
                conns.log(conns.pushHandle(5), StressVerb.WRITE, "from thread %d", 2);
            }
            catch (final StructHistoryException ex)
            {
                refused.set(documented(ex));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, "writer-fuzz-fresh-thread");
        thread.start();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(HANG_SECONDS / 2));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            final AssertionError hang = new AssertionError("a fresh thread's first log ran longer than " +
                HANG_SECONDS / 2 + " s: a hang");
            hang.setStackTrace(thread.getStackTrace());
            throw hang;
        }
        if (failure.get() != null)
        {
            throw new AssertionError("a fresh thread's first log threw " + failure.get(), failure.get());
        }
        return refused.get();
    }

    /** Allocates, frees and checks through the heap; true if the heap refused anything (documented). */
    private boolean useHeap(final Path mutant, final Choices choices)
    {
        final SharedHeap heap;
        try
        {
            heap = SharedHeap.open(mutant, HEAP_OPTIONS);
        }
        catch (final HeapException ex)
        {
            return documented(ex);
        }
        boolean refused = false;
        final long[] mine = new long[SIZES.length * 2];
        for (int i = 0; i < mine.length; i++)
        {
            try
            {
                mine[i] = heap.allocate(SIZES[i % SIZES.length]);
                heap.checked().putLong(mine[i], i);
            }
            catch (final HeapException ex)
            {
                refused = documented(ex);
            }
            catch (final IndexOutOfBoundsException ex)
            {
                refused = checkedAccessRefusal(ex);
            }
        }
        for (final long address : mine)
        {
            refused |= free(heap, address);
        }
        for (final long address : heapLive)
        {
            try
            {
                heap.checkLive(address);
                heap.checked().getLong(address);
            }
            catch (final HeapException ex)
            {
                refused = documented(ex);
            }
            catch (final IndexOutOfBoundsException ex)
            {
                refused = checkedAccessRefusal(ex);
            }
            if (choices.pick(0, 1) == 0)
            {
                refused |= free(heap, address);
            }
        }
        countedNoOps += heap.quarantineEntriesRefused();
        return refused;
    }

    private static boolean free(final SharedHeap heap, final long address)
    {
        if (address == 0)
        {
            return false;
        }
        try
        {
            heap.free(address);
            return false;
        }
        catch (final HeapException ex)
        {
            return documented(ex);
        }
        catch (final IllegalArgumentException ex)
        {
            return documented(ex); // "no allocation of heap ... returned that address": free's documented refusal
        }
    }

    /** Checked access documents IndexOutOfBoundsException for bytes outside the allocation, with its own sentence. */
    private static boolean checkedAccessRefusal(final IndexOutOfBoundsException ex)
    {
        if (ex.getMessage() == null || !ex.getMessage().startsWith("access of "))
        {
            throw new AssertionError("an out-of-bounds access that is not checked access's refusal: " + ex, ex);
        }
        lastRefusal = "IndexOutOfBoundsException: " + ex.getMessage();
        return true;
    }

    /** The last refusal's message, for the per-region report. */
    private static String lastRefusal = "";

    private static boolean documented(final RuntimeException ex)
    {
        if (ex.getMessage() == null || ex.getMessage().isBlank())
        {
            throw new AssertionError("a refusal without a sentence", ex);
        }
        lastRefusal = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        return true;
    }

    /** Values that hit the checks: zeros, all ones, extremes, offsets of other regions, file lengths. */
    private long value(final Choices choices, final int fileLength)
    {
        switch (choices.pick(0, 11))
        {
            case 0: return 0;
            case 1: return -1;
            case 2: return Integer.MAX_VALUE;
            case 3: return Integer.MIN_VALUE;
            case 4: return Long.MAX_VALUE;
            case 5: return choices.pick(0, 255);
            case 6: return fileLength + choices.pick(-64, 64);
            case 7: return regions.get(choices.pick(0, regions.size() - 1)).start + choices.pick(-16, 16);
            case 8: return 1L << choices.pick(0, 62);
            case 9: return -choices.pick(1, 1 << 20);
            case 10: return (long)choices.pick(0, fileLength >> 4); // a chunk index anywhere in the file
            default: return choices.anyLong();
        }
    }

    private static void write(final Path path, final byte[] bytes)
    {
        try
        {
            Files.deleteIfExists(path);
            Files.write(path, bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** A history file with two lists in use, a stale handle, unrefs, text, several threads. */
    private static byte[] historySeed(final Path path)
    {
        final HistoryFile file = HistoryFile.open(path, HISTORY_OPTIONS);
        final HistoryList guard = file.list(GUARD, GUARD_OPTIONS);
        guard.log(guard.pushHandle(1), StressVerb.WRITE, "guard");
        final HistoryList conns = file.list("conns", CONNS);
        final HistoryList texts = file.list("texts", TEXTS);
        for (int i = 0; i < 12; i++)
        {
            final long handle = conns.pushHandle(0x1000 + i);
            conns.log(handle, StressVerb.REF, "ref %d (%d)", i, 1);
            if (i % 3 == 0)
            {
                conns.unref(handle);
            }
            texts.log(texts.pushHandle(0x2000 + i), StressVerb.WRITE, "peer %s", "τext " + i);
        }
        file.close();
        try
        {
            return Files.readAllBytes(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** A heap with chunks of several classes allocated (kept in {@code live}), freed and quarantined. */
    private static byte[] heapSeed(final Path path, final List<Long> live, final List<Long> all)
    {
        final SharedHeap heap = SharedHeap.open(path, HEAP_OPTIONS);
        for (int i = 0; i < 4 * SIZES.length; i++)
        {
            final long address = heap.allocate(SIZES[i % SIZES.length]);
            all.add(address);
            if (i % 2 == 0)
            {
                heap.free(address);
            }
            else
            {
                live.add(address);
            }
        }
        try
        {
            return Files.readAllBytes(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void historyRegions(final Path seed)
    {
        final HistoryReader reader = HistoryReader.open(seed);
        final FileLayout layout = reader.layout();
        regions.add(new Region("header", false, 0, 160));
        regions.add(new Region("list directory", false, layout.listDirectoryOffset, layout.writerRegistryOffset));
        regions.add(new Region("writer registry", false, layout.writerRegistryOffset, layout.threadTableOffset));
        regions.add(new Region("thread table", false, layout.threadTableOffset, layout.verbTableOffset));
        regions.add(new Region("verb table", false, layout.verbTableOffset, layout.stringIndexOffset));
        regions.add(new Region("string index", false, layout.stringIndexOffset, layout.stringDataOffset));
        regions.add(new Region("string data", false, layout.stringDataOffset, layout.dataRegionOffset));
        for (final ListInfo list : reader.lists())
        {
            if (GUARD.equals(list.name()))
            {
                guardStart = list.regionOffset();
                guardEnd = list.regionOffset() + list.window() * list.slotLength();
                continue;
            }
            regions.add(new Region("list '" + list.name() + "' slots", false, list.regionOffset(),
                list.regionOffset() + list.window() * list.slotLength()));
        }
    }

    private void heapRegions()
    {
        final HeapLayout layout = HeapLayout.plan(HEAP_OPTIONS.capacity(), HEAP_OPTIONS.quarantineSlots(),
            HEAP_OPTIONS.quarantineBytes(), HEAP_OPTIONS.poison());
        regions.add(new Region("heap header", true, 0, HeapHeaderDescriptor.PROCESS_TABLE_OFFSET));
        regions.add(new Region("heap process table", true, HeapHeaderDescriptor.PROCESS_TABLE_OFFSET,
            HeapHeaderDescriptor.CLASS_TABLE_OFFSET));
        regions.add(new Region("heap free lists (class table)", true, HeapHeaderDescriptor.CLASS_TABLE_OFFSET,
            SizeClassDescriptor.entryOffset(SizeClasses.count())));
        regions.add(new Region("heap page table", true, (int)layout.pageTableOffset,
            (int)(layout.pageTableOffset + layout.pageCount * 4)));
        regions.add(new Region("heap quarantine ring", true, (int)layout.quarantineRingOffset,
            (int)(layout.quarantineRingOffset + layout.quarantineSlots * 8L)));
        regions.add(new Region("heap chunk headers", true, (int)layout.dataOffset, (int)layout.fileLength,
            heapChunks));
    }

    /** Per region: executions, executions refused somewhere (documented), and the slowest, for the report. */
    public String perRegion()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Region region : regions)
        {
            sb.append(String.format("  %-30s %6d executions, %6d refused (documented exception), %6d counted no-ops, " +
                "slowest %d ms%n", region.name, region.executions, region.refused, region.counted,
                TimeUnit.NANOSECONDS.toMillis(region.slowestNanos)));
            if (VERBOSE && !region.lastRefusal.isEmpty())
            {
                sb.append("      last refusal: ")
                    .append(region.lastRefusal, 0, Math.min(240, region.lastRefusal.length()))
                    .append('\n');
            }
        }
        return sb.toString();
    }

    /** What {@link #loop} found. */
    public static final class LoopResult
    {
        public final long executions;
        public final double seconds;
        public final long seed;
        public final String perRegion;
        public final Throwable finding;

        LoopResult(final long executions, final double seconds, final long seed, final String perRegion,
            final Throwable finding)
        {
            this.executions = executions;
            this.seconds = seconds;
            this.seed = seed;
            this.perRegion = perRegion;
            this.finding = finding;
        }

        public String summary()
        {
            return String.format("WriterFuzz (seeded mutation loop): %d executions in %.1f s = %.0f " +
                "exec/s, %s; seed %d%n%s",
                executions, seconds, executions / seconds, finding == null ? "no finding" : "FINDING: " +
                finding.getMessage(), seed, perRegion);
        }
    }

    /** Runs executions for {@code seconds}, each on a worker thread so that a hang is caught. */
    public static LoopResult loop(final long seconds, final long seed) throws Exception
    {
        final Path dir = FuzzLoop.scratch("structhist-writer-fuzz-");
        try
        {
            final WriterFuzz fuzz = new WriterFuzz(dir);
            final Choices choices = Choices.of(new Random(seed));
            final FuzzLoop.Outcome outcome = FuzzLoop.run("writer-fuzz", seconds, seed, HANG_SECONDS,
                () -> fuzz.execute(choices), fuzz::executions, () -> fuzz.lastMutant);
            return new LoopResult(fuzz.executions(), outcome.seconds(), seed, fuzz.perRegion(), outcome.finding());
        }
        finally
        {
            FuzzLoop.delete(dir);
        }
    }

    /** {@code --seconds S} (default 60), {@code --seed N}; exits 1 on a finding. */
    public static void main(final String[] args) throws Exception
    {
        final FuzzCommandLine.Options options = FuzzCommandLine.options(args, 60);
        final LoopResult result = loop(options.seconds(), options.seed());
        FuzzCommandLine.report(result.summary(), result.finding);
    }
}
