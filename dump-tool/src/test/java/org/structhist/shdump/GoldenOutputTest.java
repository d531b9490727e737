package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.alloc.SharedHeap;
import org.structhist.format.EventDescriptor;
import org.structhist.reader.HistoryReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text and JSON output of every command on one file, compared with golden files
 * ({@code src/test/resources/golden/}, see {@link Golden}; regenerate with -Dgolden.update=true).
 * Everything is written by one thread named "golden-writer", so thread names and interned strings
 * are the same in every run.
 */
class GoldenOutputTest
{
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static Path path;
    private static HistoryFile file;
    private static Path heapPath;

    @BeforeAll
    static void writeFile() throws Exception
    {
        path = dir.resolve("golden.hist");
        file = Histories.open(path);
        final Thread writer = new Thread(GoldenOutputTest::writeHistories, "golden-writer");
        writer.start();
        writer.join();
        final HistoryReader reader = HistoryReader.open(path);
        // 0x7f95acf60240: a stray write into event #1; 0x7f95acf602a0: event #2 claimed, not committed yet.
        Histories.patch(path, Histories.recordOffset(reader.incarnationsOf(0x7f95acf60240L).get(0), 1) +
            EventDescriptor.PAYLOAD_OFFSET + 8, 77, 8);
        Histories.patch(path, Histories.recordOffset(reader.incarnationsOf(0x7f95acf602a0L).get(0), 2) +
            EventDescriptor.STAMP_OFFSET, 0, 8);
        writeHeap();
    }

    /**
     * A heap without history: three 40-byte chunks (one freed: quarantined, poisoned), a 1000-byte one
     * holding a request, and one left by a dead pid (patched in: the pid is the same in every run).
     */
    private static void writeHeap()
    {
        heapPath = dir.resolve("golden.heap");
        final SharedHeap heap = Heaps.open(heapPath, null);
        final long first = heap.allocate(40);
        Heaps.write(heap, first, "first");
        heap.free(heap.allocate(40));
        final long leaked = heap.allocate(40);
        Heaps.write(heap, leaked, "left by a dead process");
        final long request = heap.allocate(1000);
        Heaps.write(heap, request, "GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n");
        Heaps.setOwner(heapPath, leaked, Heaps.DEAD_PID);
    }

    @AfterAll
    static void closeFile()
    {
        file.close();
    }

    /** The OpenSIPS story and its neighbours: see each block. */
    private static void writeHistories()
    {
        final HistoryList tcp = file.list("TCP con", ListOptions.window(8).eventsPerObject(8).pinnedFirst(3));
        final HistoryList timers = file.list("timers", ListOptions.window(2).eventsPerObject(4).pinnedFirst(1));

        // A connection used after it was destroyed, as in the OpenSIPS bug.
        final History uad = tcp.push(0x7f95acf60120L);
        uad.log(TestVerb.REF, "connect, (%d)", 1);
        uad.log(TestVerb.REF, "send %d, (%d)", 6, 2);
        uad.log(TestVerb.SEND, "send2child %d", 3);
        uad.log(TestVerb.UNREF, "send %d done, (%d)", 6, 1);
        uad.log(TestVerb.UNREF, "tcpworker destroy, (%d)", 0);
        uad.log(TestVerb.DESTROY, "type=%d", 2);
        uad.log(TestVerb.SEND, "main: read more, (%d)", 0);
        uad.log(TestVerb.UNREF, "main done, (%d)", -1);

        // A long-lived connection: 15 events, the first 3 and the newest 5 kept.
        final History busy = tcp.push(0x7f95acf60180L);
        busy.log(TestVerb.REF, "connect, (%d)", 1);
        for (int i = 0; i < 13; i++)
        {
            busy.log(TestVerb.SEND, "send %d bytes", 100 + i);
        }
        busy.log(TestVerb.SEND, "peer %s", "10.0.0.7:5060");

        // A clean life with unref().
        final History clean = tcp.push(0x7f95acf601e0L);
        clean.log(TestVerb.REF, "connect, (%d)", 1);
        clean.log(TestVerb.UNREF, "close, (%d)", 0);
        clean.unref();

        // Records that are not events (patched after writing).
        final History stray = tcp.push(0x7f95acf60240L);
        stray.log(TestVerb.REF, "connect, (%d)", 1);
        stray.log(TestVerb.SEND, "send %d, (%d)", 6, 1);
        stray.log(TestVerb.UNREF, "close, (%d)", 0);
        final History writing = tcp.push(0x7f95acf602a0L);
        writing.log(TestVerb.REF, "connect, (%d)", 1);
        writing.log(TestVerb.SEND, "send %d", 1);
        writing.log(TestVerb.SEND, "send %d", 2);

        // A timer whose slot went to a newer one while its handle was still in use.
        final History old = timers.push(0x1000);
        old.log(TestVerb.REF, "arm");
        timers.push(0x2000).log(TestVerb.REF, "arm");
        timers.push(0x3000).log(TestVerb.REF, "arm");
        old.log(TestVerb.UNREF, "fire");
    }

    static Stream<Arguments> goldens()
    {
        return Stream.of(
            Arguments.of("info.txt", new String[] {"info"}),
            Arguments.of("info.jsonl", new String[] {"info", "--json"}),
            Arguments.of("objects.txt", new String[] {"objects"}),
            Arguments.of("objects.jsonl", new String[] {"objects", "--json"}),
            Arguments.of("show-use-after-destroy.txt", new String[] {"--obj", "0x7f95acf60120"}),
            Arguments.of("show-use-after-destroy.jsonl", new String[] {"--obj", "0x7f95acf60120", "--json"}),
            Arguments.of("show-dropped-events.txt", new String[] {"show", "--obj", "0x7f95acf60180"}),
            Arguments.of("show-unref.txt", new String[] {"show", "--obj", "0x7f95acf601e0"}),
            Arguments.of("show-invalid-records.txt", new String[] {"show", "--obj", "0x7f95acf60240"}),
            Arguments.of("show-in-flight.txt", new String[] {"show", "--obj", "0x7f95acf602a0"}),
            Arguments.of("show-stale.txt", new String[] {"show", "--obj", "0x3000"}),
            Arguments.of("check.txt", new String[] {"check"}),
            Arguments.of("check.jsonl", new String[] {"check", "--json"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void outputMatchesItsGoldenFile(final String golden, final String[] args)
    {
        final Cli.Result result = Cli.on(path, args);
        assertTrue(result.code() == ExitCode.OK || result.code() == ExitCode.FOUND, result.describe());
        result.errEmpty();
        Golden.assertMatches(golden, result.out(), path, PID);
    }

    static Stream<Arguments> heapGoldens()
    {
        return Stream.of(
            Arguments.of("heap.txt", new String[] {"heap"}),
            Arguments.of("heap-leaks.txt", new String[] {"heap", "--leaks"}),
            Arguments.of("heap-leaks.jsonl", new String[] {"heap", "--leaks", "--json"}),
            Arguments.of("heap-addr.txt", new String[] {"heap", "--addr", "0x40040", "--bytes", "40"}),
            Arguments.of("heap-addr-quarantined.txt", new String[] {"heap", "--addr", "0x30090"}),
            Arguments.of("heap-addr.jsonl", new String[] {"heap", "--addr", "0x300f0", "--json"}),
            Arguments.of("show-heap-file.txt", new String[] {"--obj", "0x7f95acf60120", "--heap-file"}),
            Arguments.of("show-heap-file.jsonl", new String[] {"--obj", "0x7f95acf60120", "--json", "--heap-file"}));
    }

    /** As {@link #outputMatchesItsGoldenFile}, with the heap file (its path is what {@code <FILE>} stands for here). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("heapGoldens")
    void heapOutputMatchesItsGoldenFile(final String golden, final String[] args)
    {
        final java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        if (all.get(all.size() - 1).equals("--heap-file"))
        {
            all.add(heapPath.toString());
        }
        else
        {
            all.addAll(java.util.List.of("--heap-file", heapPath.toString()));
        }
        final Cli.Result result = Cli.on(path, all.toArray(new String[0]));
        assertTrue(result.code() == ExitCode.OK || result.code() == ExitCode.FOUND, result.describe());
        result.errEmpty();
        Golden.assertMatches(golden, result.out(), heapPath, PID);
    }

    static Stream<Arguments> objShortcuts()
    {
        return Stream.of(
            Arguments.of((Object)new String[] {"0x7f95acf60120"}),
            Arguments.of((Object)new String[] {"0x7f95acf60120", "--json"}),
            Arguments.of((Object)new String[] {"0x7f95acf60120", "--heap-file", "HEAP"}),
            Arguments.of((Object)new String[] {"0x7f95acf60120", "--json", "--heap-file", "HEAP", "--debug"}),
            Arguments.of((Object)new String[] {"0x7f95acf60120", "--html", "PAGE"}),
            Arguments.of((Object)new String[] {"140280828657952", "--html", "PAGE", "--json"}),
            Arguments.of((Object)new String[] {"0x1"}));
    }

    /**
     * {@code shdump --obj A [options]} is {@code shdump show --obj A [options]}: the same code, the same bytes on
     * stdout and stderr, the same page; --file and --no-color (given before either) reach show in both.
     */
    @ParameterizedTest
    @MethodSource("objShortcuts")
    void theObjShortcutPrintsWhatShowPrints(final String[] objAndOptions) throws Exception
    {
        final List<String> shortcut = new ArrayList<>(List.of("--obj"));
        final List<String> show = new ArrayList<>(List.of("show", "--obj"));
        for (final String arg : objAndOptions)
        {
            final String heap = arg.equals("HEAP") ? heapPath.toString() : arg;
            shortcut.add(arg.equals("PAGE") ? dir.resolve("shortcut.html").toString() : heap);
            show.add(arg.equals("PAGE") ? dir.resolve("show.html").toString() : heap);
        }
        final Cli.Result viaShortcut = Cli.on(path, shortcut.toArray(new String[0]));
        final Cli.Result viaShow = Cli.on(path, show.toArray(new String[0]));
        assertEquals(viaShow.code(), viaShortcut.code(), viaShortcut.describe() + viaShow.describe());
        assertEquals(viaShow.out(), viaShortcut.out());
        assertEquals(viaShow.err().replace("show.html", "shortcut.html"), viaShortcut.err());
        if (List.of(objAndOptions).contains("PAGE") && viaShow.code() == ExitCode.OK)
        {
            assertEquals(Files.readString(dir.resolve("show.html")),
                Files.readString(dir.resolve("shortcut.html")));
        }
    }

    /** The normalisation itself: what it replaces, and that widths do not matter but words do. */
    @Test
    void normalisationReplacesOnlyWhatVaries()
    {
        final Path file = Path.of("/tmp/x/a.hist");
        assertEquals("<FILE>  <PID>  YYYY-MM-DD hh:mm:ss.uuuuuu  hh:mm:ss.uuuuuu       +dt  <ago>    pid 4242",
            Golden.normalise("/tmp/x/a.hist  4241  2026-11-22 05:43:28.123456  05:43:28.123456  " +
            "+1.204ms  3 s ago  pid 4242",
                file, 4241));
        assertEquals("  #   +dt  x", Golden.normalise("  #  -9us  x", file, 1));
        assertEquals("{\"time\":\"<time>\",\"timeNanos\":<n>,\"pid\":<PID>,\"position\":12}",
            Golden.normalise("{\"time\":\"2026-11-22T05:43:28.123456789Z\"," +
            "\"timeNanos\":1795326208123456789,\"pid\":77," +
                "\"position\":12}", file, 77));
        assertEquals(Golden.columnsBlind("a  b     c\n  d  "), Golden.columnsBlind("a     b  c\n  d"));
        assertTrue(!Golden.columnsBlind("a b").equals(Golden.columnsBlind("a  b")), "one space is not a column break");
    }
}
