package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.format.ListDescriptor;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.format.FileHeaderDescriptor.*;

/**
 * Files shdump must refuse, or read without trusting: every command gives exit code 3 and one sentence
 * naming the file and what is wrong, within a second, without an exception, without reading outside
 * the file (the reader's bounds checks would turn that into an internal error, exit 4) and without
 * allocating by a count the file claims (the bytes this thread allocates are bounded).
 */
class HostileFileTest
{
    private static final Duration LIMIT = HostileInputs.LIMIT;
    private static final String[][] COMMANDS = {
        {"info"}, {"objects", "--json"}, {"check"}, {"--obj", "0xa1"}, {"show", "--obj", "0xb1", "--json"}};

    @TempDir
    static Path dir;

    private static Path good;
    private static byte[] goodBytes;
    private static int listDirectory;
    private static int dataRegion;
    private static int regionOfA;
    private static int slotLength;
    private static int stringBytes;

    /**
     * List "a" (window 8) with 0xa1, list "b" (window 8) with 0xb1 used after its destroy: check finds
     * exactly one anomaly in a good copy.
     */
    @BeforeAll
    static void writeGoodFile() throws Exception
    {
        good = dir.resolve("good.hist");
        // 1 MiB: small, since every case writes a changed copy of it.
        final HistoryFile file = HistoryFile.open(good, FileOptions.defaults().sizeBytes(1L << 20));
        final HistoryList a = file.list("a", ListOptions.window(8).eventsPerObject(8));
        final HistoryList b = file.list("b", ListOptions.window(8).eventsPerObject(8));
        final History a1 = a.push(0xa1);
        a1.log(TestVerb.REF, "ref %d", 1);
        a1.log(TestVerb.UNREF, "unref %d", 0);
        final History b1 = b.push(0xb1);
        b1.log(TestVerb.DESTROY, "free");
        b1.log(TestVerb.SEND, "late");
        file.close();
        goodBytes = Files.readAllBytes(good);
        final HistoryReader reader = HistoryReader.open(good);
        listDirectory = reader.layout().listDirectoryOffset;
        dataRegion = reader.layout().dataRegionOffset;
        regionOfA = reader.list("a").orElseThrow().regionOffset();
        slotLength = reader.list("a").orElseThrow().slotLength();
        stringBytes = reader.layout().stringDataLength;
        // The first run of shdump in a JVM loads picocli and the reader: not what the time limit is about.
        for (final String[] command : COMMANDS)
        {
            Cli.on(good, command);
        }
        Cli.on(good, "check").exits(ExitCode.FOUND).outContains("1 anomalies in 2 histories checked");
    }

    private static Path write(final String name, final byte[] bytes) throws Exception
    {
        return HostileInputs.write(dir, name, bytes);
    }

    private static byte[] with(final int offset, final long value, final int size)
    {
        return HostileInputs.with(goodBytes, offset, value, size);
    }

    /** Runs one shdump command under the time limit, measuring what this thread allocated. */
    private static Cli.Result run(final Path path, final String... command)
    {
        final java.util.List<String> args =
            new java.util.ArrayList<>(java.util.List.of("--file", path.toString(), "--no-color"));
        args.addAll(java.util.List.of(command));
        return HostileInputs.bounded(args.toArray(new String[0]), path);
    }

    /** Every command: exit 3, one sentence naming the file and containing {@code fragment}. */
    private static void assertRefused(final Path path, final String fragment)
    {
        for (final String[] command : COMMANDS)
        {
            final Cli.Result result = run(path, command).exits(ExitCode.BAD_FILE).saysOneSentence(fragment);
            assertTrue(result.err().startsWith("shdump: " + path), () -> "names the file" + result.describe());
            assertEquals("", result.out(), () -> "nothing on stdout" + result.describe());
        }
    }

    /** Every command ends as it may on a file it cannot fully trust: never 2 or 4, every stderr line a sentence. */
    private static void assertSurvives(final Path path)
    {
        for (final String[] command : COMMANDS)
        {
            final Cli.Result result = run(path, command).noStackTrace();
            assertTrue(result.code() == ExitCode.OK || result.code() == ExitCode.FOUND ||
                result.code() == ExitCode.BAD_FILE,
                () -> "exit 0, 1 or 3" + result.describe());
            assertTrue(result.err().lines().allMatch(l -> l.startsWith("shdump: ")), () ->
                "sentences" + result.describe());
        }
    }

    @Test
    void aMissingFile()
    {
        assertRefused(dir.resolve("missing.hist"), "does not exist");
    }

    @Test
    void aDirectory() throws Exception
    {
        final Path directory = Files.createDirectories(dir.resolve("a-directory.hist"));
        assertRefused(directory, "is a directory, not a history file");
    }

    @Test
    void anEmptyFile() throws Exception
    {
        assertRefused(write("empty.hist", new byte[0]),
            "is not a history file: it is only 0 bytes, shorter than the 4096-byte header");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 100, 4095})
    void cutInsideTheHeader(final int length) throws Exception
    {
        assertRefused(write("cut-header-" + length + ".hist", Arrays.copyOf(goodBytes, length)),
            "only " + length + " bytes, shorter than the 4096-byte header");
    }

    @Test
    void cutInTheMiddleOfTheSlots() throws Exception
    {
        final int length = regionOfA + 1000;
        assertRefused(write("cut-slots.hist", Arrays.copyOf(goodBytes, length)),
            "is truncated: its header says " + goodBytes.length + " bytes but the file has " + length);
        assertRefused(write("cut-page.hist", Arrays.copyOf(goodBytes, 4096)), "is truncated");
    }

    @Test
    void longerThanItsHeaderSays() throws Exception
    {
        assertRefused(write("longer.hist", Arrays.copyOf(goodBytes, goodBytes.length + 4096)),
            "is corrupt: its header says");
    }

    @Test
    void aZeroedHeader() throws Exception
    {
        final byte[] bytes = goodBytes.clone();
        Arrays.fill(bytes, 0, HEADER_LENGTH, (byte)0);
        assertRefused(write("zeroed.hist", bytes),
            "is not a history file (its first bytes are not the structhist magic)");
        assertRefused(write("all-zero.hist", new byte[goodBytes.length]), "is not a history file");
    }

    @Test
    void anotherMagic() throws Exception
    {
        assertRefused(write("magic.hist", with(MAGIC_OFFSET, MAGIC ^ 1, 8)), "is not a history file");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 0xdeadbeefL})
    void randomBytes(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final byte[] bytes = new byte[4096 << random.nextInt(9)];
        random.nextBytes(bytes);
        assertRefused(write("random-" + seed + ".hist", bytes), "is not a history file");
        // Random after a right magic and version: some other check refuses it.
        Histories.put(bytes, MAGIC_OFFSET, MAGIC, 8);
        Histories.put(bytes, FORMAT_VERSION_OFFSET, FORMAT_VERSION, 4);
        assertRefused(write("random-magic-" + seed + ".hist", bytes), "");
    }

    @Test
    void aNewerAndAnOlderFormatVersion() throws Exception
    {
        assertRefused(write("newer.hist", with(FORMAT_VERSION_OFFSET, FORMAT_VERSION + 1, 4)),
            "is in structhist format version 3, newer than version 2 that this version of structhist reads");
        assertRefused(write("much-newer.hist", with(FORMAT_VERSION_OFFSET, Integer.MAX_VALUE, 4)),
            "newer than version 2");
        assertRefused(write("older.hist", with(FORMAT_VERSION_OFFSET, -1, 4)), "older than version 2");
    }

    @Test
    void stillBeingInitialised() throws Exception
    {
        assertRefused(write("version-zero.hist", with(FORMAT_VERSION_OFFSET, 0, 4)),
            "is still being initialised by its creator (pid " + ProcessHandle.current().pid() + ")");
    }

    @ParameterizedTest
    @ValueSource(ints =
        {HEADER_LENGTH_OFFSET, LIST_ENTRY_LENGTH_OFFSET, SLOT_HEADER_LENGTH_OFFSET, EVENT_HEADER_LENGTH_OFFSET,
        WRITER_ENTRY_LENGTH_OFFSET, THREAD_ENTRY_LENGTH_OFFSET, VERB_ENTRY_LENGTH_OFFSET})
    void structuresOfAnotherBuild(final int field) throws Exception
    {
        assertRefused(write("lengths-" + field + ".hist", with(field, (int)Histories.read(goodBytes, field, 4) + 8, 4)),
            "it is corrupt or from an incompatible build");
    }

    /** Counts out of the format's range, and counts in range whose tables do not fit the file. */
    @Test
    void hugeCountsInTheHeader() throws Exception
    {
        final int[][] outOfRange = {
            {MAX_LISTS_OFFSET, 256}, {MAX_LISTS_OFFSET, 1 << 30},
                {MAX_LISTS_OFFSET, Integer.MAX_VALUE}, {MAX_LISTS_OFFSET, -1},
            {MAX_LISTS_OFFSET, 0},
            {MAX_WRITERS_OFFSET, 65537}, {MAX_WRITERS_OFFSET, Integer.MAX_VALUE},
            {MAX_WRITERS_OFFSET, Integer.MIN_VALUE},
            {MAX_THREADS_OFFSET, (1 << 20) + 1}, {MAX_THREADS_OFFSET, Integer.MAX_VALUE},
            {MAX_VERBS_OFFSET, 65536}, {MAX_VERBS_OFFSET, Integer.MAX_VALUE},
            {STRING_DATA_LENGTH_OFFSET, 0}, {STRING_DATA_LENGTH_OFFSET, -8},
            {DATA_REGION_LENGTH_OFFSET, -1}};
        for (final int[] field : outOfRange)
        {
            assertRefused(write("count.hist", with(field[0], field[1], 4)), "is out of range");
        }
        for (final int capacity : new int[] {0, 3, -1, Integer.MIN_VALUE})
        {
            assertRefused(write("capacity.hist", with(STRING_INDEX_CAPACITY_OFFSET, capacity, 4)),
                "is not a power of two");
        }
        final int[][] tooBig = {
            {MAX_THREADS_OFFSET, 1 << 20}, {MAX_WRITERS_OFFSET, 65536}, {STRING_INDEX_CAPACITY_OFFSET, 1 << 30},
                {STRING_INDEX_CAPACITY_OFFSET, 1 << 24},
            {STRING_DATA_LENGTH_OFFSET, Integer.MAX_VALUE}, {DATA_REGION_LENGTH_OFFSET, Integer.MAX_VALUE}};
        for (final int[] field : tooBig)
        {
            assertRefused(write("big.hist", with(field[0], field[1], 4)), "lies outside the " +
                goodBytes.length + "-byte file");
        }
    }

    /**
     * Counts in range whose tables still fit the file, overlapping the tables after them: what the
     * reader finds there is garbage, and it is shown as such.
     */
    @Test
    void countsThatFitButOverlap() throws Exception
    {
        final int[][] overlapping = {{MAX_WRITERS_OFFSET, 4096}, {MAX_THREADS_OFFSET, 32768}, {MAX_VERBS_OFFSET, 65535},
            {MAX_LISTS_OFFSET, 255}, {STRING_DATA_LENGTH_OFFSET, 1 << 19}};
        for (final int[] field : overlapping)
        {
            assertSurvives(write("overlap.hist", with(field[0], field[1], 4)));
        }
    }

    @Test
    void regionsOutsideTheFileOrUnaligned() throws Exception
    {
        for (final int field : new int[] {LIST_DIRECTORY_OFFSET_OFFSET, WRITER_REGISTRY_OFFSET_OFFSET,
            THREAD_TABLE_OFFSET_OFFSET,
            VERB_TABLE_OFFSET_OFFSET, STRING_INDEX_OFFSET_OFFSET, STRING_DATA_OFFSET_OFFSET, DATA_REGION_OFFSET_OFFSET})
        {
            assertRefused(write("region.hist", with(field, 0, 4)), "lies outside");
            assertRefused(write("region.hist", with(field, Integer.MIN_VALUE, 4)), "lies outside");
            assertRefused(write("region.hist", with(field, goodBytes.length - 8, 4)), "lies outside");
            assertRefused(write("region.hist", with(field, (int)Histories.read(goodBytes, field, 4) + 4, 4)),
                "is not 8-byte aligned");
        }
        assertRefused(write("length.hist", with(FILE_LENGTH_OFFSET, Long.MAX_VALUE, 8)), "is truncated");
        assertRefused(write("length.hist", with(FILE_LENGTH_OFFSET, -4096, 8)), "is corrupt");
    }

    /**
     * Counters and cursors that bound nothing: huge or negative values are shown clamped or as they
     * are, never used to size or index anything.
     */
    @Test
    void hugeCursorsAndCountersAreNotTrusted() throws Exception
    {
        final byte[] bytes = goodBytes.clone();
        Histories.put(bytes, STRING_DATA_CURSOR_OFFSET, Integer.MAX_VALUE, 4);
        Histories.put(bytes, THREAD_TABLE_CURSOR_OFFSET, Integer.MAX_VALUE, 4);
        Histories.put(bytes, DATA_REGION_CURSOR_OFFSET, Integer.MIN_VALUE, 4);
        Histories.put(bytes, STRINGS_NOT_INTERNED_OFFSET, -1, 4);
        final Path path = write("cursors.hist", bytes);
        assertSurvives(path);
        final Cli.Result info = run(path, "info").exits(ExitCode.OK);
        info.outContains("strings: " + stringBytes + " of " + stringBytes + " bytes used");
        info.outContains("threads named: 4096");
        final byte[] negative = goodBytes.clone();
        Histories.put(negative, STRING_DATA_CURSOR_OFFSET, -5, 4);
        Histories.put(negative, THREAD_TABLE_CURSOR_OFFSET, Integer.MIN_VALUE, 4);
        final Cli.Result again = run(write("negative.hist", negative), "info").exits(ExitCode.OK);
        again.outContains("strings: 0 of " + stringBytes + " bytes used; threads named: 0");
    }

    /** The list directory entry of list "a" in a copy of the good file, changed by {@code change}. */
    private static Path withListEntry(final String name, final int field, final long value,
        final int size) throws Exception
    {
        return write(name, with(listDirectory + field, value, size));
    }

    @Test
    void aCorruptListIsReportedAndTheOthersAreStillChecked() throws Exception
    {
        final Path path = withListEntry("bad-list.hist", ListDescriptor.WINDOW_OFFSET, 1 << 23, 4);
        final Cli.Result check = run(path, "check").exits(ExitCode.FOUND);
        assertEquals("shdump: list 'a' is corrupt and was not checked: its slots (8388608 x " + slotLength +
            " bytes at " + regionOfA +
            ") lie outside the data region", check.err().strip(), check.describe());
        check.outContains("USE_AFTER_DESTROY  b ").outContains("2 anomalies in 1 histories checked (1 with anomalies)");
        final Cli.Result json = run(path, "check", "--json").exits(ExitCode.FOUND);
        json.outContains("\"kind\":\"USE_AFTER_DESTROY\",\"list\":\"b\"").errContains("list 'a' is corrupt");
        run(path, "check", "--list", "a").exits(ExitCode.FOUND).errContains("list 'a' is corrupt")
            .outContains("1 anomalies in 0 histories checked");
        run(path, "check", "--list", "b").exits(ExitCode.FOUND).errEmpty();

        final Cli.Result objects = run(path, "objects").exits(ExitCode.OK);
        assertTrue(objects.err()
            .startsWith("shdump: list 'a' is corrupt and was skipped: its slots"), objects.describe());
        objects.outContains("0xb1 ").outLacks("0xa1");
        final Cli.Result info = run(path, "info").exits(ExitCode.OK).errEmpty();
        assertTrue(info.linesWith("  a ").get(0).contains("CORRUPT: its slots"), info.describe());
        run(path, "--obj", "0xb1").exits(ExitCode.OK).outContains("late");
        run(path, "--obj", "0xa1").exits(ExitCode.FOUND);
        assertSurvives(path);
    }

    /** Every rule of a list entry's geometry: the list is refused, the file is not. */
    @Test
    void everyWayAListEntryCanBeCorrupt() throws Exception
    {
        final Object[][] cases = {
            {ListDescriptor.WINDOW_OFFSET, 0, "window 0 is out of range"},
            {ListDescriptor.WINDOW_OFFSET, -1, "window -1 is out of range"},
            {ListDescriptor.WINDOW_OFFSET, (1 << 24) + 1, "window 16777217 is out of range"},
            {ListDescriptor.EVENTS_PER_OBJECT_OFFSET, 1, "events per object 1 with 7 pinned is out of range"},
            {ListDescriptor.EVENTS_PER_OBJECT_OFFSET, Integer.MAX_VALUE, "is out of range"},
            {ListDescriptor.PINNED_FIRST_OFFSET, 8, "events per object 8 with 8 pinned is out of range"},
            {ListDescriptor.PINNED_FIRST_OFFSET, -1, "with -1 pinned is out of range"},
            {ListDescriptor.ENTRY_SIZE_OFFSET, 96, "entry size 96 is not a power of two from 64 to 1024"},
            {ListDescriptor.ENTRY_SIZE_OFFSET, 2048, "entry size 2048 is not"},
            {ListDescriptor.SLOT_LENGTH_OFFSET, 64, "slot length 64 does not match its events and entry size"},
            {ListDescriptor.REGION_OFFSET_OFFSET, regionOfA + 4, "is not 8-byte aligned"},
            {ListDescriptor.REGION_OFFSET_OFFSET, 4096, "lie outside the data region"},
            {ListDescriptor.REGION_OFFSET_OFFSET, Integer.MAX_VALUE & ~7, "lie outside the data region"},
            {ListDescriptor.REGION_OFFSET_OFFSET, goodBytes.length - 64, "lie outside the data region"}};
        for (final Object[] c : cases)
        {
            final Path path = withListEntry("geometry.hist", (Integer)c[0], (Integer)c[1], 4);
            final Cli.Result check = run(path, "check").exits(ExitCode.FOUND);
            assertTrue(check.err().startsWith("shdump: list 'a' is corrupt and was not checked: ") &&
                check.err().contains((String)c[2]), () -> c[2] + check.describe());
            check.outContains("in 1 histories checked");
            assertSurvives(path);
        }
        // A name id that leads nowhere is shown as such.
        final Path badName = withListEntry("bad-name.hist", ListDescriptor.NAME_ID_OFFSET, Integer.MAX_VALUE - 7, 4);
        run(badName, "objects").exits(ExitCode.OK).outContains("<bad string id " + (Integer.MAX_VALUE - 7) + ">");
        assertSurvives(badName);
    }

    /**
     * Random header fields after a right magic, version, length and entry lengths: whatever passes the
     * checks is read without trusting it.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomHeaderFields(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final byte[] bytes = goodBytes.clone();
        final int[] fields =
            {LIST_DIRECTORY_OFFSET_OFFSET, MAX_LISTS_OFFSET, WRITER_REGISTRY_OFFSET_OFFSET, MAX_WRITERS_OFFSET,
            THREAD_TABLE_OFFSET_OFFSET, MAX_THREADS_OFFSET, VERB_TABLE_OFFSET_OFFSET, MAX_VERBS_OFFSET,
            STRING_INDEX_OFFSET_OFFSET, STRING_INDEX_CAPACITY_OFFSET, STRING_DATA_OFFSET_OFFSET,
            STRING_DATA_LENGTH_OFFSET,
            DATA_REGION_OFFSET_OFFSET, DATA_REGION_LENGTH_OFFSET, THREAD_TABLE_CURSOR_OFFSET,
            STRING_DATA_CURSOR_OFFSET};
        for (int i = 0; i < 3; i++)
        {
            final int field = fields[random.nextInt(fields.length)];
            final int old = (int)Histories.read(bytes, field, 4);
            // Small moves keep many fields plausible (aligned, inside the file), so later checks are reached too.
            final int value = random.nextBoolean() ? random.nextInt() : old + 8 * (random.nextInt(2049) - 1024);
            Histories.put(bytes, field, value, 4);
        }
        assertSurvives(write("random-fields-" + seed + ".hist", bytes));
    }

    /**
     * Random bytes over the list directory entries and the slots of a good file: lists, slot headers,
     * state words, stamps and records that lie. Each command still ends with a sentence or an answer.
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void randomBytesInListsAndSlots(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final byte[] bytes = goodBytes.clone();
        final List<int[]> ranges = new ArrayList<>();
        ranges.add(new int[] {listDirectory, 2 * ListDescriptor.ENTRY_LENGTH});
        ranges.add(new int[] {dataRegion, 2 * 8 * slotLength});
        for (int i = 0; i < 1 + random.nextInt(40); i++)
        {
            final int[] range = ranges.get(random.nextInt(ranges.size()));
            final int offset = range[0] + random.nextInt(range[1]);
            // Either one random byte, or a whole random 8-byte word where a state or stamp may sit.
            if (random.nextBoolean())
            {
                bytes[offset] = (byte)random.nextInt();
            }
            else
            {
                Histories.put(bytes, offset & ~7, random.nextLong(), 8);
            }
        }
        // Keep the lists READY half of the time, so their slots are read rather than skipped.
        if (random.nextBoolean())
        {
            Histories.put(bytes, listDirectory + ListDescriptor.STATE_OFFSET, ListDescriptor.STATE_READY, 4);
            Histories.put(bytes, listDirectory + ListDescriptor.ENTRY_LENGTH + ListDescriptor.STATE_OFFSET,
                ListDescriptor.STATE_READY, 4);
        }
        assertSurvives(write("random-slots-" + seed + ".hist", bytes));
    }

    /** Random bytes and words anywhere after the header, with both lists kept READY. */
    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void randomBytesEverywhereAfterTheHeader(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final byte[] bytes = goodBytes.clone();
        final int end = dataRegion + 2 * 8 * slotLength;
        for (int i = 0; i < 1 + random.nextInt(2000); i++)
        {
            final int offset = HEADER_LENGTH + random.nextInt(end - HEADER_LENGTH - 8);
            if (random.nextBoolean())
            {
                bytes[offset] = (byte)random.nextInt();
            }
            else
            {
                Histories.put(bytes, offset & ~7, random.nextLong(), 8);
            }
        }
        for (int list = 0; list < 2; list++)
        {
            final int entry = listDirectory + list * ListDescriptor.ENTRY_LENGTH;
            Histories.put(bytes, entry + ListDescriptor.STATE_OFFSET, ListDescriptor.STATE_READY, 4);
            // Half of the time with the geometry intact, so that the garbage slots are read, not refused.
            if (random.nextBoolean())
            {
                System.arraycopy(goodBytes, entry + ListDescriptor.WINDOW_OFFSET, bytes, entry +
                    ListDescriptor.WINDOW_OFFSET,
                    ListDescriptor.REGION_LENGTH_OFFSET - ListDescriptor.WINDOW_OFFSET);
            }
        }
        assertSurvives(write("random-everywhere-" + seed + ".hist", bytes));
    }

    /**
     * Another process cuts the file short and grows it back while shdump reads it: a read of a page
     * that is gone raises SIGBUS, which the JVM turns into an InternalError. shdump must still answer
     * with an exit code and one sentence, never let the error escape.
     */
    @Test
    void aFileCutShortWhileItIsRead() throws Exception
    {
        final Path path = write("shrinking.hist", goodBytes);
        final Map<Integer, Integer> codes = new TreeMap<>();
        try (HostileInputs.Cutter cutter = new HostileInputs.Cutter(path, 2 * HEADER_LENGTH, goodBytes.length))
        {
            final long end = System.nanoTime() + Duration.ofMillis(1000).toNanos();
            for (int i = 0; System.nanoTime() < end; i++)
            {
                // Half of the runs name the file after the command: the sentence must name it all the same.
                final Cli.Result result = i % 2 == 0 ? run(path, "check") :
                    assertTimeoutPreemptively(LIMIT, () -> Cli.run("objects", "--no-color", "--file", path.toString()));
                codes.merge(result.code(), 1, Integer::sum);
                HostileInputs.assertAnsweredCleanly(result, path);
            }
        }
        assertTrue(codes.containsKey(ExitCode.BAD_FILE), "the file was caught cut short: " + codes);
    }

    /** Slot state words claiming 2^31 - 1 events and the newest generation: loops stay bounded by the list. */
    @Test
    void slotsClaimingHugeCounts() throws Exception
    {
        final byte[] bytes = goodBytes.clone();
        for (int slot = 0; slot < 8; slot++)
        {
            Histories.put(bytes, regionOfA + slot * slotLength, 0xFFFF_FFFF_7FFF_FFFFL, 8);
        }
        final Path path = write("huge-counts.hist", bytes);
        assertSurvives(path);
        final Cli.Result objects = run(path, "objects").exits(ExitCode.OK);
        assertTrue(objects.out().contains("2147483647 (2147483639 dropped)"), objects.describe());
    }

    @Test
    void aGoodFileStillReads()
    {
        assertSurvives(good);
        final Incarnation a1 = HistoryReader.open(good).incarnationsOf(0xa1).get(0);
        assertEquals("a", a1.list().name());
        assertEquals(ExitCode.OK, run(good, "info").code());
    }
}
