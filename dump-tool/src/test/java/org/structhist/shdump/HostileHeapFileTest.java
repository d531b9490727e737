package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.Failures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.ProcessSlotDescriptor;
import org.structhist.alloc.format.SizeClassDescriptor;
import org.structhist.alloc.format.SizeClasses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.alloc.format.HeapHeaderDescriptor.*;

/**
 * Heap files shdump must refuse, or read without trusting: {@code heap} (every form) and
 * {@code --obj --heap-file} give exit code 3 and one sentence naming the file, or an answer; never an
 * internal error (exit 4), an exception, a read outside the file, a hang or an allocation sized by what
 * the file claims.
 */
class HostileHeapFileTest
{
    private static final Duration LIMIT = HostileInputs.LIMIT;
    private static final int PAGE = SizeClasses.PAGE_SIZE;
    /** The page table of a 1 MiB heap: page 1. Its chunks: pages 3 to 15. */
    private static final int PAGE_TABLE = PAGE;
    private static final int DATA = 3 * PAGE;

    @TempDir
    static Path dir;

    private static Path goodHistory;
    private static byte[] goodBytes;
    private static long[] small;
    private static long medium;
    private static long large;
    private static long carvedEnd;
    private static String[][] commands;
    /** What the mutant loop runs: the summary and leak walks in text and JSON, three chunks, and show. */
    private static String[][] mutantCommands;

    /**
     * Ten 40-byte chunks (three freed: one free, two quarantined), a 1000-byte one, a 100000-byte one
     * (a 2-page run), and one chunk whose owner is a dead pid: a leak, so that every part of the output
     * has something to show.
     */
    @BeforeAll
    static void writeGoodFiles() throws Exception
    {
        final Path good = dir.resolve("good.heap");
        final SharedHeap heap = Heaps.open(good, null);
        small = new long[10];
        for (int i = 0; i < small.length; i++)
        {
            small[i] = heap.allocate(40);
            Heaps.write(heap, small[i], "chunk " + i);
        }
        medium = heap.allocate(1000);
        large = heap.allocate(100_000);
        heap.free(small[7]);
        heap.free(small[8]);
        heap.free(small[9]);
        heap.close();
        Heaps.setOwner(good, small[1], Heaps.DEAD_PID);
        goodBytes = Files.readAllBytes(good);
        carvedEnd = Histories.read(goodBytes, PAGE_BUMP_OFFSET, 8);
        assertEquals(DATA + 4L * PAGE, carvedEnd, "3 small-class pages and a 2-page run");
        assertEquals(DATA, Histories.read(goodBytes, DATA_OFFSET_OFFSET, 8));

        goodHistory = dir.resolve("good.hist");
        final HistoryFile history = Histories.open(goodHistory);
        final HistoryList conn = history.list("conn", ListOptions.window(8).eventsPerObject(8));
        conn.push(small[0]).log(TestVerb.REF, "connect, (%d)", 1);
        history.close();

        commands = new String[][] {
            {"heap"}, {"heap", "--json"}, {"heap", "--leaks"}, {"heap", "--leaks", "--json"},
            {"heap", "--addr", Address.format(small[0])}, {"heap", "--addr", Address.format(small[8] + 3), "--json"},
            {"heap", "--addr", Address.format(large + 70_000)}, {"heap", "--addr", Address.format(medium - 20)},
            {"--obj", Address.format(small[0])}, {"show", "--obj", Address.format(small[0]), "--json"}};
        mutantCommands = new String[][] {
            commands[2], commands[3], commands[4], commands[5], commands[6], commands[8]};
        // The first runs in a JVM load picocli and both readers: not what the time limit is about.
        for (final String[] command : commands)
        {
            Cli.run(arguments(good, command));
        }
        run(good, "heap").exits(ExitCode.FOUND).outContains("1 chunk (96 bytes) still allocated by 1 dead process");
    }

    private static Path write(final String name, final byte[] bytes) throws Exception
    {
        return HostileInputs.write(dir, name, bytes);
    }

    private static byte[] with(final int offset, final long value, final int size)
    {
        return HostileInputs.with(goodBytes, offset, value, size);
    }

    /** One command on {@code heap} (and the good history file), under the time limit, measuring what it allocated. */
    private static Cli.Result run(final Path heap, final String... command)
    {
        return HostileInputs.bounded(arguments(heap, command), heap);
    }

    private static String[] arguments(final Path heap, final String... command)
    {
        final List<String> args = new ArrayList<>(List.of("--no-color", "--file", goodHistory.toString(),
            "--heap-file", heap.toString()));
        args.addAll(List.of(command));
        return args.toArray(new String[0]);
    }

    /**
     * Every command: exit 3, nothing on stdout, one sentence starting with the file's name and
     * containing {@code fragment}.
     */
    private static void assertRefused(final Path path, final String fragment)
    {
        for (final String[] command : commands)
        {
            final Cli.Result result = run(path, command).exits(ExitCode.BAD_FILE).saysOneSentence(fragment);
            assertTrue(result.err().contains(path.toString()), () -> "names the file" + result.describe());
            assertEquals("", result.out(), () -> "nothing on stdout" + result.describe());
            // shdump reads: it never tells anyone to delete the file.
            assertFalse(result.err().contains("delete it"), result::describe);
        }
    }

    /** Every command ends as it may on a file it cannot fully trust: exit 0, 1 or 3, every stderr line a sentence. */
    private static void assertSurvives(final Path path, final Map<Integer, Integer> codes)
    {
        assertSurvives(path, codes, commands);
    }

    private static void assertSurvives(final Path path, final Map<Integer, Integer> codes, final String[][] commands)
    {
        for (final String[] command : commands)
        {
            final Cli.Result result = run(path, command).noStackTrace();
            codes.merge(result.code(), 1, Integer::sum);
            assertTrue(result.code() == ExitCode.OK || result.code() == ExitCode.FOUND ||
                result.code() == ExitCode.BAD_FILE,
                () -> "exit 0, 1 or 3" + result.describe());
            assertTrue(result.err().lines().allMatch(l -> l.startsWith("shdump: ")), () ->
                "sentences" + result.describe());
            // HeapView turns an access outside the file into exit 3; the reader's bounds checks should
            // make it never happen.
            assertFalse(result.err().contains("a read fell outside it"), () ->
                "a read outside the file" + result.describe());
        }
    }

    @Test
    void aMissingFileADirectoryAndAnEmptyFile() throws Exception
    {
        assertRefused(dir.resolve("missing.heap"), "does not exist");
        assertRefused(Files.createDirectories(dir.resolve("a-directory.heap")), "a-directory.heap");
        assertRefused(write("empty.heap", new byte[0]), "is not a heap file: 0 bytes is shorter than a header");
    }

    @Test
    void truncatedFiles() throws Exception
    {
        for (final int length : new int[] {1, 100, 2047})
        {
            assertRefused(write("short.heap", Arrays.copyOf(goodBytes, length)),
                "is not a heap file: " + length + " bytes is shorter than a header");
        }
        for (final int length : new int[] {2048, 4096, PAGE - 1, PAGE, DATA, (int)carvedEnd, goodBytes.length - PAGE,
            goodBytes.length - 1})
        {
            assertRefused(write("cut.heap", Arrays.copyOf(goodBytes, length)),
                "is corrupt: its header says " + goodBytes.length + " bytes but the file has " + length);
        }
        assertRefused(write("longer.heap", Arrays.copyOf(goodBytes, goodBytes.length + PAGE)),
            "is corrupt: its header says");
        // A header that agrees with a cut file: shorter than the heap's own header page.
        final byte[] tiny = Arrays.copyOf(goodBytes, 4096);
        Histories.put(tiny, FILE_LENGTH_OFFSET, 4096, 8);
        assertRefused(write("tiny.heap", tiny), "is not a heap file: 4096 bytes is shorter than a header");
    }

    @Test
    void wrongMagic() throws Exception
    {
        assertRefused(write("magic.heap", with(MAGIC_OFFSET, MAGIC ^ 1, 8)),
            "is not a heap file (its first bytes are not the heap magic)");
        assertRefused(write("zero-magic.heap", with(MAGIC_OFFSET, 0, 8)), "is not a heap file");
        // A history file is no heap file.
        assertRefused(goodHistory, goodHistory + " is not a heap file (its first bytes are not the heap magic)");
    }

    @Test
    void otherFormatVersions() throws Exception
    {
        assertRefused(write("newer.heap", with(FORMAT_VERSION_OFFSET, FORMAT_VERSION + 1, 4)),
            "has heap format version 2; this reader knows version 1");
        assertRefused(write("older.heap", with(FORMAT_VERSION_OFFSET, -1, 4)), "has heap format version -1");
        assertRefused(write("uninitialised.heap", with(FORMAT_VERSION_OFFSET, 0, 4)), "is not initialised");
        assertRefused(write("all-zero.heap", new byte[goodBytes.length]), "is not initialised");
    }

    @Test
    void headerFieldsOfAnotherBuild() throws Exception
    {
        final Object[][] cases = {
            {PAGE_SIZE_OFFSET, 4096, 4, "its page size is 4096, expected 65536"},
            {CHUNK_HEADER_LENGTH_OFFSET, 64, 4, "its chunk header length is 64"},
            {CLASS_COUNT_OFFSET, 7, 4, "its size class count is 7"},
            {SMALL_CLASS_COUNT_OFFSET, -1, 4, "its small size class count is -1"},
            {PROCESS_SLOTS_OFFSET, Integer.MAX_VALUE, 4, "its process slot count is"},
            {SizeClassDescriptor.entryOffset(3) + SizeClassDescriptor.CHUNK_SIZE_OFFSET, 100, 4,
            "its chunk size of class 3 is 100"},
            {QUARANTINE_SLOTS_OFFSET, 1000, 4, "quarantine slots 1000"},
            {QUARANTINE_SLOTS_OFFSET, Integer.MIN_VALUE, 4, "is corrupt"},
            {PAGE_TABLE_OFFSET_OFFSET, 0, 8, "its page table offset is 0"},
            {QUARANTINE_RING_OFFSET_OFFSET, Long.MAX_VALUE, 8, "its quarantine ring offset is"},
            {DATA_OFFSET_OFFSET, goodBytes.length, 8, "its data offset is"},
            {FILE_LENGTH_OFFSET, Long.MAX_VALUE, 8, "its header says"},
            {FILE_LENGTH_OFFSET, -1, 8, "its header says"}};
        for (final Object[] c : cases)
        {
            assertRefused(write("field.heap", with((Integer)c[0], ((Number)c[1]).longValue(), (Integer)c[2])),
                (String)c[3]);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomBytes(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final byte[] bytes = new byte[PAGE << random.nextInt(5)];
        random.nextBytes(bytes);
        assertRefused(write("random-" + seed + ".heap", bytes), "is not a heap file");
        // A right magic, version and length over random bytes: some check of the header refuses it.
        Histories.put(bytes, MAGIC_OFFSET, MAGIC, 8);
        Histories.put(bytes, FORMAT_VERSION_OFFSET, FORMAT_VERSION, 4);
        Histories.put(bytes, FILE_LENGTH_OFFSET, bytes.length, 8);
        assertRefused(write("random-magic-" + seed + ".heap", bytes), "is corrupt");
    }

    /**
     * A seeded loop of mutants of the good file: page table entries, chunk headers, the page bump, the
     * header's counters and process table, payload bytes, rarely a checked header field. Whatever the
     * header's checks let through is walked without trusting it.
     */
    @Test
    void mutantsOfAGoodFile() throws Exception
    {
        final Random random = new Random(20261122);
        final Map<Integer, Integer> codes = new TreeMap<>();
        final Path path = dir.resolve("mutant.heap");
        for (int mutant = 0; mutant < 300; mutant++)
        {
            final byte[] bytes = goodBytes.clone();
            final StringBuilder what = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(8); i < n; i++)
            {
                what.append(mutate(random, bytes)).append("; ");
            }
            Files.write(path, bytes);
            try
            {
                assertSurvives(path, codes, mutantCommands);
            }
            catch (final AssertionError ex)
            {
                final Path kept = write("failed-mutant-" + mutant + ".heap", bytes);
                throw new AssertionError("mutant " + mutant + " (" + what + ") kept as " + kept +
                    ": " + ex.getMessage(), ex);
            }
        }
        // The loop reached both answers and refusals: the mutants are neither all harmless nor all refused.
        assertTrue(codes.getOrDefault(ExitCode.OK, 0) > 0 && codes.getOrDefault(ExitCode.FOUND, 0) > 0 &&
            codes.getOrDefault(ExitCode.BAD_FILE, 0) > 0, codes::toString);
    }

    /** One mutation of {@code bytes}; says what it did. */
    private static String mutate(final Random random, final byte[] bytes)
    {
        final int pages = goodBytes.length / PAGE;
        switch (random.nextInt(7))
        {
            case 0:
            {
                // A page table entry of a chunk page: another class, a continuation, nothing, or garbage.
                final int page = DATA / PAGE + random.nextInt(pages - DATA / PAGE);
                final int[] values = {0, 1 + random.nextInt(SizeClasses.count()), -1 - random.nextInt(pages),
                    SizeClasses.count() + 1, Integer.MIN_VALUE, Integer.MAX_VALUE, random.nextInt(),
                    SizeClasses.count() - random.nextInt(4)};
                final int value = values[random.nextInt(values.length)];
                Histories.put(bytes, PAGE_TABLE + 4 * page, value, 4);
                return "page " + page + " entry " + value;
            }
            case 1:
            {
                // A chunk header field: of a chunk the good file has, or at any 16-byte boundary of the carved pages.
                final long chunk = random.nextBoolean() ? chunkOf(random) : DATA +
                    16L * random.nextInt((int)(carvedEnd - DATA) / 16);
                final int[] fields = {ChunkHeaderDescriptor.NEXT_OFFSET, ChunkHeaderDescriptor.STATE_WORD_OFFSET,
                    ChunkHeaderDescriptor.STATE_WORD_OFFSET + 4, ChunkHeaderDescriptor.OWNER_PID_OFFSET,
                    ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET, ChunkHeaderDescriptor.ALLOCATED_AT_OFFSET,
                    ChunkHeaderDescriptor.HISTORY_HANDLE_OFFSET, ChunkHeaderDescriptor.FREED_BY_PID_OFFSET};
                final int field = fields[random.nextInt(fields.length)];
                final long value = random.nextBoolean() ? random.nextLong() : random.nextInt(512) - 256;
                Histories.put(bytes, (int)chunk + field, value, field % 8 == 0 ? 8 : 4);
                return "chunk " + Long.toHexString(chunk) + " +" + field + " = " + value;
            }
            case 2:
            {
                final long[] values = {random.nextLong(), -1, 0, Long.MAX_VALUE, Long.MIN_VALUE, goodBytes.length,
                    goodBytes.length + PAGE, DATA + (long)PAGE * random.nextInt(pages), carvedEnd +
                    1 + random.nextInt(PAGE),
                    DATA - 1};
                final long value = values[random.nextInt(values.length)];
                Histories.put(bytes, PAGE_BUMP_OFFSET, value, 8);
                return "page bump " + value;
            }
            case 3:
            {
                final int[] fields = {BYTES_SKIPPED_OFFSET, QUARANTINE_TAIL_OFFSET, QUARANTINE_HEAD_OFFSET,
                    QUARANTINED_BYTES_OFFSET, CREATOR_PID_OFFSET, CREATED_AT_OFFSET, QUARANTINE_BUDGET_OFFSET};
                final int field = fields[random.nextInt(fields.length)];
                final long value = random.nextBoolean() ? random.nextLong() : Long.MIN_VALUE + random.nextInt(2);
                Histories.put(bytes, field, value, 8);
                return "header field " + field + " = " + value;
            }
            case 4:
            {
                // The process table: pids and start times that lie about who is alive.
                final int at = PROCESS_TABLE_OFFSET + 8 * random.nextInt(ProcessSlotDescriptor.MAX_SLOTS * 2);
                final long value = random.nextBoolean() ? random.nextLong() : ProcessHandle.current().pid();
                Histories.put(bytes, at, value, 8);
                return "process table +" + (at - PROCESS_TABLE_OFFSET) + " = " + value;
            }
            case 5:
            {
                final int at = DATA + random.nextInt(goodBytes.length - DATA - 8);
                Histories.put(bytes, at & ~7, random.nextLong(), 8);
                return "word at " + Integer.toHexString(at & ~7);
            }
            default:
            {
                // Rarely, a field the header's checks cover: the file is refused.
                final int at = random.nextInt(CLASS_TABLE_OFFSET + SizeClasses.count() * SizeClassDescriptor.LENGTH);
                bytes[at] = (byte)random.nextInt();
                return "header byte " + at;
            }
        }
    }

    private static long chunkOf(final Random random)
    {
        final long[] chunks = {small[random.nextInt(small.length)], medium, large, small[9] + 96};
        return chunks[random.nextInt(chunks.length)] - ChunkHeaderDescriptor.LENGTH;
    }

    /**
     * Page table entries that send the walk and the locator everywhere: runs past the end,
     * continuations before the data.
     */
    @Test
    void pageTableEntriesThatPointOutside() throws Exception
    {
        final Map<Integer, Integer> codes = new TreeMap<>();
        final int last = goodBytes.length / PAGE - 1;
        final int largeClass = SizeClasses.count() - 1;
        // The last page starts a 1 GiB run; the carved pages say they continue runs that start before the data.
        final byte[] bytes = with(PAGE_TABLE + 4 * last, largeClass + 1, 4);
        Histories.put(bytes, PAGE_BUMP_OFFSET, goodBytes.length, 8);
        for (int page = DATA / PAGE; page < last; page++)
        {
            Histories.put(bytes, PAGE_TABLE + 4 * page, -page - 5, 4);
        }
        final Path path = write("outside.heap", bytes);
        assertSurvives(path, codes);
        run(path, "heap").exits(ExitCode.OK).outContains("(none: no chunk carved yet)")
            .outContains("12 pages whose page table entry names no size class");
        run(path, "heap", "--addr", Address.format(small[0])).exits(ExitCode.FOUND)
            .saysOneSentence("in no carved chunk");
        run(path, "heap", "--addr", Address.format(goodBytes.length - 100)).exits(ExitCode.FOUND);
    }

    /**
     * Another process cuts the heap file short and grows it back while shdump reads it: the open refuses
     * a length that disagrees with the header, and a read of a page cut off after the mapping raises
     * SIGBUS, which HotSpot turns into an InternalError. Either way: exit 3 and a sentence naming the
     * heap file, never a hang. HotSpot raises the InternalError of a read in compiled code at the
     * thread's next safepoint poll that checks for it, which may come after shdump returned (then
     * Shdump.main catches it): each run has a thread of its own, so that such a late fault cannot land in
     * the test's own machinery (it once left a FutureTask half-completed and the test spinning), and is
     * counted, not failed.
     */
    @Test
    void aHeapFileCutShortWhileItIsRead() throws Exception
    {
        final Path path = write("shrinking.heap", goodBytes);
        final Map<String, Integer> outcomes = new TreeMap<>();
        try (HostileInputs.Cutter cutter = new HostileInputs.Cutter(path, DATA + PAGE, goodBytes.length))
        {
            final long end = System.nanoTime() + Duration.ofMillis(1000).toNanos();
            for (int i = 0; System.nanoTime() < end; i++)
            {
                final String[] args = {"--no-color", "heap", "--heap-file", path.toString(),
                    i % 2 == 0 ? "--leaks" : "--addr", i % 2 == 0 ? "--json" : Address.format(large + 70_000)};
                final AtomicReference<Cli.Result> result = new AtomicReference<>();
                final AtomicReference<Throwable> late = new AtomicReference<>();
                final Thread reader = new Thread(() -> result.set(Cli.run(args)), "reader-" + i);
                reader.setUncaughtExceptionHandler((thread, ex) -> late.set(ex));
                reader.start();
                reader.join(LIMIT.toMillis() * 5);
                assertFalse(reader.isAlive(), () -> "shdump " + String.join(" ", args) +
                    " still runs after " + LIMIT.multipliedBy(5));
                if (late.get() != null)
                {
                    assertTrue(Failures.isTruncation(late.get()), () -> "only a late SIGBUS may escape: " + late.get());
                    outcomes.merge("late fault", 1, Integer::sum);
                    continue;
                }
                outcomes.merge("exit " + result.get().code(), 1, Integer::sum);
                HostileInputs.assertAnsweredCleanly(result.get(), path);
            }
        }
        assertTrue(outcomes.containsKey("exit " + ExitCode.BAD_FILE), () ->
            "the file was caught cut short: " + outcomes);
    }

    /**
     * Chunk headers that claim the largest class and a huge requested size: the dump stays in the chunk and the file.
     */
    @Test
    void headersThatClaimHugeChunks() throws Exception
    {
        final byte[] bytes = goodBytes.clone();
        final int header = (int)small[0] - ChunkHeaderDescriptor.LENGTH;
        Histories.put(bytes, header + ChunkHeaderDescriptor.STATE_WORD_OFFSET, ChunkHeaderDescriptor.stateWord(
            ChunkHeaderDescriptor.STATE_ALLOCATED, SizeClasses.count() - 1, 7), 8);
        Histories.put(bytes, header + ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET, Integer.MAX_VALUE, 4);
        final int other = (int)small[2] - ChunkHeaderDescriptor.LENGTH;
        Histories.put(bytes, other + ChunkHeaderDescriptor.STATE_WORD_OFFSET,
            ChunkHeaderDescriptor.stateWord(9, 200, -1), 8);
        Histories.put(bytes, other + ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET, -5, 4);
        final Path path = write("huge-chunks.heap", bytes);
        assertSurvives(path, new TreeMap<>());
        final Cli.Result huge =
            run(path, "heap", "--addr", Address.format(small[0]), "--bytes", "4096").exits(ExitCode.OK);
        final long toTheEnd = goodBytes.length - small[0];
        huge.outContains("payload: " + toTheEnd + " bytes (its header asks 2147483647, more than the chunk holds)")
            .outContains("  ... " + (toTheEnd - 4096) + " more bytes not shown (--bytes 4096)")
            .outContains("  generation    7\n");
        final Cli.Result corrupt = run(path, "heap", "--addr", Address.format(small[2])).exits(ExitCode.OK);
        corrupt.outContains("  state         corrupt state 9\n")
            .outContains("  size class    200 (no such class: the header is corrupt)\n")
            .outContains("  generation    4294967295\n").outContains("payload: 0 bytes");
    }
}
