package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shdump heap} and {@code show --heap-file} on heaps built here: one by this JVM (alive: no
 * leaks), whose numbers the summary must match, and one left by a child JVM that allocated and halted
 * without freeing (its chunks are leaks).
 */
class HeapCommandTest
{
    private static final long PID = ProcessHandle.current().pid();
    private static final String GREETING = "Hello, heap! 0123456789abcdef~";

    @TempDir
    static Path dir;

    private static HistoryFile history;
    private static Path historyPath;
    private static Path heapPath;
    private static SharedHeap heap;
    /** 40-byte allocations: [0..6] allocated, [7] freed and allocated again, [8] and [9] freed (quarantined). */
    private static long[] small;
    private static long[] medium;
    private static long large;
    /** Histories in list "conn" pushed at an address inside a chunk, and at one no chunk holds. */
    private static long interior;
    private static final long NO_CHUNK = 0x10;

    private static Path leakHeap;
    private static Path leakHistory;
    private static long childPid;
    private static final List<Long> LEAKED = new ArrayList<>();

    @BeforeAll
    static void buildHeaps() throws Exception
    {
        historyPath = dir.resolve("app.hist");
        history = Histories.open(historyPath);
        final HistoryList shm = history.list("shm", ListOptions.window(64).eventsPerObject(8));
        heapPath = dir.resolve("app.heap");
        heap = Heaps.open(heapPath, shm);
        small = new long[10];
        for (int i = 0; i < small.length; i++)
        {
            small[i] = heap.allocate(40);
        }
        Heaps.write(heap, small[0], GREETING);
        medium = new long[3];
        for (int i = 0; i < medium.length; i++)
        {
            medium[i] = heap.allocate(1000);
        }
        large = heap.allocate(100_000);
        Heaps.write(heap, large + 70_000, "deep inside");
        // The quarantine holds two 96-byte chunks: freeing the third evicts [7], which becomes free and is
        // the next 40-byte allocation (its class's free list is LIFO).
        heap.free(small[7]);
        heap.free(small[8]);
        heap.free(small[9]);
        assertEquals(small[7], heap.allocate(40), "the evicted chunk is reused first");
        interior = small[0] + 16;
        final HistoryList conn = history.list("conn", ListOptions.window(8).eventsPerObject(8));
        conn.push(interior).log(TestVerb.REF, "connect, (%d)", 1);
        conn.push(NO_CHUNK).log(TestVerb.REF, "connect, (%d)", 1);

        leakHeap = dir.resolve("leak.heap");
        leakHistory = dir.resolve("leak.hist");
        try (Child child = Child.start(HeapLeaker.class, leakHeap, leakHistory))
        {
            childPid = Long.parseLong(child.awaitLine("PID ", Duration.ofSeconds(60)).substring(4));
            assertEquals(0, child.awaitExit(Duration.ofSeconds(60)), child.describe());
            for (final String line : child.out.lines())
            {
                if (line.startsWith("LEAK 0x"))
                {
                    LEAKED.add(Long.parseLong(line.substring(7), 16));
                }
            }
        }
        assertEquals(4, LEAKED.size());
    }

    @AfterAll
    static void close()
    {
        heap.close();
        history.close();
    }

    private static Cli.Result heap(final Path path, final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("--no-color", "heap", "--heap-file", path.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(new String[0]));
    }

    private static String hex(final long address)
    {
        return Address.format(address);
    }

    private static long chunkSize(final long payload)
    {
        return SizeClasses.chunkSize(SizeClasses.classFor(payload));
    }

    // The summary

    @Test
    void theSummaryCountsWhatThisJvmAllocated()
    {
        final Cli.Result result = heap(heapPath).exits(ExitCode.OK).errEmpty();
        result.outContains(heapPath.toString())
            .outContains("heap format version 1, " + Heaps.CAPACITY + " bytes, created by pid " + PID + " at ")
            .outContains("poison on, quarantine 200 bytes in at most 4096 chunks, 192 bytes quarantined now")
            .outContains("12 chunks allocated (" + (8 * 96 + 3 * 1280 + 131072) + " bytes)");
        // 10 + 3 + 1 allocations, 3 freed, 1 again (12 allocated): in class 96, 8 allocated, 2 quarantined, the rest of
        // its page free; class 1280, 3 of 51; the 100000-byte chunk, a run of 2 pages.
        assertEquals(96, chunkSize(40));
        assertEquals(1280, chunkSize(1000));
        assertEquals(131072, chunkSize(100_000));
        assertEquals(List.of(
            "CLASS CHUNK PAGES ALLOCATED FREE QUARANTINED UNUSED REQUESTED",
            SizeClasses.classFor(40) + " 96 1 8 " + (65536 / 96 - 10) + " 2 0 320",
            SizeClasses.classFor(1000) + " 1280 1 3 " + (65536 / 1280 - 3) + " 0 0 3000",
            SizeClasses.classFor(100_000) + " 131072 2 1 0 0 0 100000"),
            section(result, "size classes"));
        assertEquals(List.of("none: no chunk is allocated by a process that is dead now"), section(result, "leaks"));
        result.outContains("carved " + (4 * 65536) + " of ");
    }

    /** The lines under a bold section title, up to the next blank line, with runs of spaces collapsed. */
    private static List<String> section(final Cli.Result result, final String title)
    {
        final List<String> lines = result.lines();
        final List<String> section = new ArrayList<>();
        for (int i = lines.indexOf(title) + 1; i > 0 && i < lines.size() && !lines.get(i).isEmpty(); i++)
        {
            section.add(lines.get(i).strip().replaceAll(" +", " "));
        }
        return section;
    }

    @Test
    void theJsonSummaryIsTheReadersSummary()
    {
        final Cli.Result result = heap(heapPath, "--json").exits(ExitCode.OK).errEmpty();
        final List<Map<String, Object>> lines = ExportCommandTest.jsonLines(result.out());
        final HeapReader reader = HeapReader.open(heapPath);
        final HeapSummary summary = reader.summary();
        final Map<String, Object> first = lines.get(0);
        assertEquals("heap", first.get("type"));
        assertEquals(heapPath.toString(), first.get("path"));
        assertEquals(number(Heaps.CAPACITY), first.get("capacity"));
        assertEquals(number(PID), first.get("creatorPid"));
        assertEquals(true, first.get("poison"));
        assertEquals(number(200), first.get("quarantineBytes"));
        assertEquals(number(summary.usedBytes()), first.get("carvedBytes"));
        assertEquals(number(192), first.get("quarantinedBytes"));
        assertEquals(number(summary.allocatedChunks()), first.get("allocatedChunks"));
        assertEquals(number(0), first.get("leakedChunks"));
        final List<Map<String, Object>> classes =
            lines.stream().filter(l -> l.get("type").equals("sizeClass")).toList();
        assertEquals(summary.classes().size(), classes.size());
        for (int i = 0; i < classes.size(); i++)
        {
            final ClassSummary c = summary.classes().get(i);
            final Map<String, Object> line = classes.get(i);
            assertEquals(List.of(number(c.sizeClass()), number(c.chunkSize()), number(c.pages()), number(c.allocated()),
                number(c.free()), number(c.quarantined()), number(c.unused()), number(c.requestedBytes())),
                List.of(line.get("sizeClass"), line.get("chunkSize"), line.get("pages"), line.get("allocated"),
                    line.get("free"), line.get("quarantined"), line.get("unused"), line.get("requestedBytes")));
        }
        assertEquals(1 + classes.size(), lines.size(), "no deadOwner line: every owner is alive");
    }

    private static BigDecimal number(final long value)
    {
        return BigDecimal.valueOf(value);
    }

    // One chunk

    @Test
    void anAddressAtAPayloadsStart()
    {
        final Cli.Result result = heap(heapPath, "--addr", hex(small[0])).exits(ExitCode.OK).errEmpty();
        final List<String> lines = result.lines();
        assertEquals("chunk " + hex(small[0]) + " of " + heapPath, lines.get(0));
        result.outContains("  state         allocated\n")
            .outContains("  size class    " + SizeClasses.classFor(40) + " (96-byte chunks, 48 payload bytes)\n")
            .outContains("  requested     40 bytes\n")
            .outContains("  owner         pid " + PID + " (alive)\n")
            .outContains("  generation    1\n")
            .outContains("  freed by      -\n")
            .outContains("  header at     " + hex(small[0] - 48) + "\n")
            .outContains("  history       handle 0x")
            .outContains("payload: 40 bytes requested\n");
        assertTrue(result.linesWith("allocated at").get(0)
            .matches("  allocated at  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} UTC"),
            result.describe());
        // The greeting (30 bytes), then the zeros of a never-used chunk, 40 bytes in all.
        assertEquals(List.of(
            "  0000  48 65 6c 6c 6f 2c 20 68  65 61 70 21 20 30 31 32  |Hello, heap! 012|",
            "  0010  33 34 35 36 37 38 39 61  62 63 64 65 66 7e 00 00  |3456789abcdef~..|",
            "  0020  00 00 00 00 00 00 00 00                           |........|"),
            lines.subList(lines.size() - 3, lines.size()));
    }

    @Test
    void anAddressInsideAPayloadOrAHeader()
    {
        heap(heapPath, "--addr", hex(small[0] + 20)).exits(ExitCode.OK).errEmpty()
            .outContains("chunk " + hex(small[0]) + " of " + heapPath + ": " + hex(small[0] + 20) +
            " is 20 bytes into chunk " +
                hex(small[0]) + "\n")
            .outContains("|Hello, heap! 012|");
        heap(heapPath, "--addr", String.valueOf(small[0] - 8)).exits(ExitCode.OK).errEmpty()
            .outContains(": " + hex(small[0] - 8) + " is the header of chunk " + hex(small[0]) +
            " (8 bytes before its payload)");
        heap(heapPath, "--addr", hex(small[0] + 95 - 48)).exits(ExitCode.OK)
            .outContains("is 47 bytes into chunk " + hex(small[0]));
        // The next byte is the next chunk's header.
        heap(heapPath, "--addr", hex(small[0] + 48)).exits(ExitCode.OK)
            .outContains("is the header of chunk " + hex(small[0] + 96) + " (48 bytes before its payload)");
        final Cli.Result deep = heap(heapPath, "--addr", hex(large + 70_000), "--bytes", "0").exits(ExitCode.OK);
        deep.outContains("is 70000 bytes into chunk " + hex(large))
            .outContains("size class    " + SizeClasses.classFor(100_000) +
            " (131072-byte chunks, 131024 payload bytes)")
            .outContains("payload: 100000 bytes requested\n  ... 100000 more bytes not shown (--bytes 0)\n");
    }

    @Test
    void bytesCapsTheDumpAndSaysWhatIsLeftOut()
    {
        final Cli.Result result = heap(heapPath, "--addr", hex(small[0]), "--bytes", "20").exits(ExitCode.OK);
        final List<String> lines = result.lines();
        assertEquals(List.of(
            "  0000  48 65 6c 6c 6f 2c 20 68  65 61 70 21 20 30 31 32  |Hello, heap! 012|",
            "  0010  33 34 35 36                                       |3456|",
            "  ... 20 more bytes not shown (--bytes 20)"),
            lines.subList(lines.size() - 3, lines.size()));
        // The default is 256: a 1000-byte payload shows 16 lines.
        final Cli.Result medium0 = heap(heapPath, "--addr", hex(medium[0])).exits(ExitCode.OK);
        assertEquals(16,
            medium0.lines().stream().filter(l -> l.matches("  00[0-9a-f]0  .*")).count(), medium0.describe());
        medium0.outContains("  ... 744 more bytes not shown (--bytes 256)");
    }

    @Test
    void freedQuarantinedAndReusedChunks()
    {
        final Cli.Result quarantined = heap(heapPath, "--addr", hex(small[8])).exits(ExitCode.OK);
        quarantined.outContains("  state         quarantined\n")
            .outContains("  allocated by  pid " + PID + " (alive)\n")
            .outContains("  freed by      pid " + PID + "\n");
        // Poisoned when freed: 0xde over the whole payload.
        final List<String> lines = quarantined.lines();
        assertEquals("  0020  de de de de de de de de                           |........|",
            lines.get(lines.size() - 1));
        heap(heapPath, "--addr", hex(small[7])).exits(ExitCode.OK)
            .outContains("  state         allocated\n").outContains("  generation    2\n")
            .outContains("  freed by      -\n");
        // A chunk of the page never handed out: free, generation 0, no owner.
        heap(heapPath, "--addr", hex(small[9] + 96)).exits(ExitCode.OK)
            .outContains("  state         free\n").outContains("  allocated by  none\n")
            .outContains("  generation    0 (never allocated)\n").outContains("  allocated at  -\n")
            .outContains("  history       none\n").outContains("payload: 0 bytes requested\n");
    }

    @Test
    void anAddressNoChunkHolds()
    {
        heap(heapPath, "--addr", "0x10").exits(ExitCode.FOUND)
            .saysOneSentence("no chunk of " + heapPath + " holds 0x10: " +
            "it is in the file's header, page table or quarantine ring (chunks start at 0x30000)");
        heap(heapPath, "--addr", hex(Heaps.CAPACITY)).exits(ExitCode.FOUND)
            .saysOneSentence("holds 0x100000: it is past the end of the 1048576-byte file");
        heap(heapPath, "--addr", "0xffffffffffffffff", "--json").exits(ExitCode.FOUND).saysOneSentence("past the end");
        final Cli.Result uncarved = heap(heapPath, "--addr", hex(Heaps.CAPACITY - 100), "--json").exits(ExitCode.FOUND)
            .saysOneSentence("it is in no carved chunk");
        assertEquals("", uncarved.out());
        // The tail of a 1280-byte class page: 51 chunks fill 65280 of its 65536 bytes.
        final long page = (medium[0] - 48) & ~0xFFFFL;
        heap(heapPath, "--addr", hex(page + 65300)).exits(ExitCode.FOUND).saysOneSentence("in no carved chunk");
    }

    @Test
    void theChunkAsJson()
    {
        final Cli.Result result =
            heap(heapPath, "--addr", hex(small[0] + 4), "--json", "--bytes", "32").exits(ExitCode.OK)
            .errEmpty();
        final List<Map<String, Object>> lines = ExportCommandTest.jsonLines(result.out());
        assertEquals(1, lines.size());
        final Map<String, Object> chunk = lines.get(0);
        final ChunkInfo info = HeapReader.open(heapPath).chunkAt(small[0]);
        assertEquals(List.of("type", "query", "offset", "address", "header", "state", "sizeClass", "chunkSize",
            "requestedSize", "generation", "ownerPid", "ownerAlive", "allocated", "freedByPid",
            "historyHandle", "payload",
            "payloadShown", "payloadLeftOut"), List.copyOf(chunk.keySet()));
        assertEquals("chunk", chunk.get("type"));
        assertEquals(hex(small[0] + 4), chunk.get("query"));
        assertEquals(number(4), chunk.get("offset"));
        assertEquals(hex(small[0]), chunk.get("address"));
        assertEquals(hex(small[0] - 48), chunk.get("header"));
        assertEquals("allocated", chunk.get("state"));
        assertEquals(number(96), chunk.get("chunkSize"));
        assertEquals(number(40), chunk.get("requestedSize"));
        assertEquals(number(1), chunk.get("generation"));
        assertEquals(number(PID), chunk.get("ownerPid"));
        assertEquals(true, chunk.get("ownerAlive"));
        assertEquals(java.time.Instant.ofEpochSecond(0, info.allocatedAtNanos()).toString(), chunk.get("allocated"));
        assertEquals(number(0), chunk.get("freedByPid"));
        assertEquals(hex(info.historyHandle()), chunk.get("historyHandle"));
        assertEquals(HexFormat.of().formatHex(GREETING.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "0000",
            chunk.get("payload"));
        assertEquals(number(32), chunk.get("payloadShown"));
        assertEquals(number(8), chunk.get("payloadLeftOut"));

        final Map<String, Object> fresh =
            ExportCommandTest.jsonLines(heap(heapPath, "--addr", hex(small[9] + 96), "--json")
            .exits(ExitCode.OK).out()).get(0);
        assertNull(fresh.get("ownerAlive"), "no owner: alive or not is unknown");
        assertNull(fresh.get("allocated"));
        assertEquals("", fresh.get("payload"));
    }

    // Leaks

    @Test
    void chunksOfADeadChildAreLeaks()
    {
        final Cli.Result result = heap(leakHeap).exits(ExitCode.FOUND).errEmpty();
        final long bytes = 3 * 96 + chunkSize(5000);
        assertEquals(List.of(
            "PID CHUNKS BYTES ADDRESSES",
            childPid + " 4 " + bytes + " " +
            LEAKED.stream().sorted().map(HeapCommandTest::hex).collect(Collectors.joining(" ")),
            "4 chunks (" + bytes + " bytes) still allocated by 1 dead process; --leaks lists every one"),
            section(result, "leaks"));
        result.outContains("created by pid " + childPid);
        // The reader's own list agrees.
        assertEquals(new TreeSet<>(LEAKED), HeapReader.open(leakHeap).leaks().stream().map(ChunkInfo::address)
            .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void leaksListsEveryLeakedChunk()
    {
        final Cli.Result result = heap(leakHeap, "--leaks").exits(ExitCode.FOUND).errEmpty();
        final List<String> rows = section(result, "leaked chunks");
        assertEquals("ADDRESS PID CLASS CHUNK REQUESTED GEN ALLOCATED (UTC) HISTORY", rows.get(0));
        final Set<Long> listed = new TreeSet<>();
        for (final String row : rows.subList(1, rows.size()))
        {
            final String[] cells = row.split(" ");
            listed.add(Long.parseLong(cells[0].substring(2), 16));
            assertEquals(String.valueOf(childPid), cells[1], row);
            assertEquals("1", cells[5], row);
            assertTrue(cells[8].startsWith("0x"), () -> "a history handle: " + row);
        }
        assertEquals(new TreeSet<>(LEAKED), listed);
        result.outLacks("--leaks lists every one");

        heap(leakHeap, "--addr", hex(LEAKED.get(0))).exits(ExitCode.OK)
            .outContains("  state         allocated (leaked: its owner is dead)\n")
            .outContains("  owner         pid " + childPid + " (dead)\n")
            .outContains("|leaked by the ch|");
    }

    @Test
    void leaksAsJson()
    {
        final List<Map<String, Object>> lines = ExportCommandTest.jsonLines(heap(leakHeap, "--json", "--leaks")
            .exits(ExitCode.FOUND).errEmpty().out());
        final Map<String, Object> first = lines.get(0);
        assertEquals(number(4), first.get("leakedChunks"));
        assertEquals(number(3 * 96 + chunkSize(5000)), first.get("leakedBytes"));
        assertEquals(number(1), first.get("deadOwners"));
        final List<Map<String, Object>> owners = lines.stream().filter(l -> l.get("type").equals("deadOwner")).toList();
        assertEquals(1, owners.size());
        assertEquals(number(childPid), owners.get(0).get("pid"));
        assertEquals(number(4), owners.get(0).get("chunks"));
        assertEquals(number(3 * 40 + 5000), owners.get(0).get("requestedBytes"));
        assertEquals(LEAKED.stream().sorted().map(HeapCommandTest::hex).toList(), owners.get(0).get("addresses"));
        final List<Map<String, Object>> leaks = lines.stream().filter(l -> l.get("type").equals("leak")).toList();
        assertEquals(LEAKED.stream().sorted().map(HeapCommandTest::hex).toList(),
            leaks.stream().map(l -> l.get("address")).toList());
        for (final Map<String, Object> leak : leaks)
        {
            assertEquals(false, leak.get("ownerAlive"));
            assertEquals("allocated", leak.get("state"));
        }
        assertEquals("leak", lines.get(lines.size() - 1).get("type"), "the leak lines come last");
    }

    // show --heap-file

    @Test
    void showSaysWhichChunkHoldsTheAddressNow()
    {
        // [7]: allocated, freed, allocated again: two histories in "shm", the second is the chunk's allocation now.
        final Cli.Result reused = Cli.on(historyPath, "--obj", hex(small[7]), "--heap-file", heapPath.toString())
            .exits(ExitCode.OK).errEmpty();
        final String now = "  heap: " + hex(small[7]) + " is chunk " + hex(small[7]) +
            ", allocated, generation 2, owner pid " +
            PID + " (alive)";
        assertEquals(List.of(now, now + ", this history's allocation"), reused.linesWith("  heap: "));
        final List<String> lines = reused.lines();
        assertTrue(lines.get(1).equals(now) &&
            lines.get(0).startsWith("shm  " + hex(small[7]) + "  incarnation 1  gen "), reused.describe());

        // The same through show, with the option before the command, as --file may be.
        Cli.run("--no-color", "--heap-file", heapPath.toString(), "show", "--file", historyPath.toString(), "--obj",
            hex(small[8])).exits(ExitCode.OK)
            .outContains("  heap: " + hex(small[8]) + " is chunk " + hex(small[8]) + ", quarantined, generation 1, " +
                "last allocated by pid " + PID + " (alive), freed by pid " + PID + ", this history's allocation\n");
        Cli.on(historyPath, "--obj", hex(interior), "--heap-file", heapPath.toString()).exits(ExitCode.OK)
            .outContains("  heap: " + hex(interior) + " is 16 bytes into chunk " + hex(small[0]) +
            ", allocated, generation 1");
        Cli.on(historyPath, "show", "--obj", hex(NO_CHUNK), "--heap-file", heapPath.toString()).exits(ExitCode.OK)
            .outContains("  heap: no chunk of " + heapPath + " holds 0x10\n");
    }

    @Test
    void showWithoutAHeapFileIsUnchanged()
    {
        final Cli.Result with = Cli.on(historyPath, "--obj", hex(small[7]), "--heap-file", heapPath.toString());
        final Cli.Result without = Cli.on(historyPath, "--obj", hex(small[7])).exits(ExitCode.OK).outLacks("heap:");
        assertEquals(without.lines(), with.lines().stream().filter(l -> !l.startsWith("  heap: ")).toList());
        final String json = Cli.on(historyPath, "--obj", hex(small[7]), "--json").exits(ExitCode.OK).out();
        assertTrue(!json.contains("heapChunk"), json);
    }

    @Test
    void showJsonCarriesTheChunk()
    {
        final List<Map<String, Object>> lines = ExportCommandTest.jsonLines(Cli.on(historyPath, "--obj", hex(small[8]),
            "--json", "--heap-file", heapPath.toString()).exits(ExitCode.OK).errEmpty().out());
        final Map<String, Object> incarnation = lines.get(0);
        assertEquals("incarnation", incarnation.get("type"));
        final List<String> keys = List.copyOf(incarnation.keySet());
        assertEquals("heapChunk", keys.get(keys.size() - 1),
            "the chunk comes last, after the fields show always prints");
        @SuppressWarnings("unchecked")
        final Map<String, Object> chunk = (Map<String, Object>)incarnation.get("heapChunk");
        assertEquals(hex(small[8]), chunk.get("address"));
        assertEquals("quarantined", chunk.get("state"));
        assertEquals(number(1), chunk.get("generation"));
        assertEquals(number(PID), chunk.get("ownerPid"));
        assertEquals(number(PID), chunk.get("freedByPid"));
        assertEquals(incarnation.get("handle"), chunk.get("historyHandle"));
        assertEquals(number(0), chunk.get("offset"));
        final Map<String, Object> none =
            ExportCommandTest.jsonLines(Cli.on(historyPath, "--obj", hex(NO_CHUNK), "--json",
            "--heap-file", heapPath.toString()).exits(ExitCode.OK).out()).get(0);
        assertTrue(none.containsKey("heapChunk") && none.get("heapChunk") == null, none::toString);
    }

    @Test
    void aLeakedChunksHistoryAndItsChunk()
    {
        final Cli.Result result = Cli.on(leakHistory, "--obj", hex(LEAKED.get(0)), "--heap-file", leakHeap.toString())
            .exits(ExitCode.OK).errEmpty();
        result.outContains("SHM_ALLOC").outContains("LEAK_AT_DEATH")
            .outContains("  heap: " + hex(LEAKED.get(0)) + " is chunk " + hex(LEAKED.get(0)) +
            ", allocated, generation 1, " +
                "owner pid " + childPid + " (dead), this history's allocation\n");
    }

    // Mistakes

    @Test
    void mistakesOnTheCommandLine()
    {
        Cli.run("heap").exits(ExitCode.USAGE).saysOneSentence("heap needs the heap file: --heap-file PATH");
        heap(heapPath, "--addr", hex(small[0]), "--leaks").exits(ExitCode.USAGE)
            .saysOneSentence("does not go with --addr");
        heap(heapPath, "--bytes", "16").exits(ExitCode.USAGE).saysOneSentence("give --addr too");
        heap(heapPath, "--addr", hex(small[0]), "--bytes", "-1").exits(ExitCode.USAGE)
            .saysOneSentence("--bytes must be 0 to 1048576, not -1");
        heap(heapPath, "--addr", hex(small[0]), "--bytes", "1048577").exits(ExitCode.USAGE)
            .saysOneSentence("not 1048577");
        final Cli.Result badAddress = heap(heapPath, "--addr", "0xzz").exits(ExitCode.USAGE).noStackTrace();
        assertTrue(badAddress.err().startsWith("shdump: Invalid value for option '--addr': '0xzz' is not an address"),
            badAddress.describe());
    }

    @Test
    void filesThatAreNotHeaps() throws Exception
    {
        final Path missing = dir.resolve("missing.heap");
        heap(missing).exits(ExitCode.BAD_FILE).saysOneSentence("heap file " + missing + " does not exist");
        heap(historyPath).exits(ExitCode.BAD_FILE).saysOneSentence(historyPath + " is not a heap file");
        Cli.on(historyPath, "--obj", hex(small[0]), "--heap-file", missing.toString()).exits(ExitCode.BAD_FILE)
            .saysOneSentence("does not exist");
        final Path directory = Files.createDirectories(dir.resolve("a-directory.heap"));
        final Cli.Result result = heap(directory).exits(ExitCode.BAD_FILE).saysOneSentence(directory.toString());
        assertEquals("", result.out());
    }

    @Test
    void shdumpNeverWritesTheHeap() throws Exception
    {
        final byte[] before = digest(leakHeap);
        final FileTime modified = Files.getLastModifiedTime(leakHeap);
        heap(leakHeap, "--leaks").exits(ExitCode.FOUND);
        heap(leakHeap, "--json").exits(ExitCode.FOUND);
        heap(leakHeap, "--addr", hex(LEAKED.get(1))).exits(ExitCode.OK);
        Cli.on(leakHistory, "--obj", hex(LEAKED.get(1)), "--heap-file", leakHeap.toString()).exits(ExitCode.OK);
        assertEquals(HexFormat.of().formatHex(before), HexFormat.of().formatHex(digest(leakHeap)));
        assertEquals(modified, Files.getLastModifiedTime(leakHeap));
    }

    private static byte[] digest(final Path path) throws Exception
    {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path));
    }
}
