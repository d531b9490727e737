package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code shdump objects}: one line per incarnation, and every filter. */
class ObjectsCommandTest
{
    @TempDir
    static Path dir;

    private static Path path;
    private static HistoryFile file;
    /** Between every event of the file and the events of 0xa6. */
    private static Instant beforeLast;

    /**
     * List "conn" (window 8, 6 events each, 2 pinned): 0xa1 destroyed cleanly, 0xa2 live with a ref,
     * 0xa3 unref'd, 0xa4 with 10 refs of which 4 are dropped, 0xa5 unref'd once too often, then after a
     * pause 0xa6 destroyed with a ref left. List "other": 0xb1, one SEND.
     */
    @BeforeAll
    static void writeFile() throws Exception
    {
        path = dir.resolve("objects.hist");
        file = Histories.open(path);
        final HistoryList conn = file.list("conn", ListOptions.window(8).eventsPerObject(6).pinnedFirst(2));
        final HistoryList other = file.list("other", ListOptions.window(4).eventsPerObject(4));
        final History a1 = conn.push(0xa1);
        a1.log(TestVerb.REF, "connect");
        a1.log(TestVerb.UNREF, "close");
        a1.log(TestVerb.DESTROY, "free");
        final History a2 = conn.push(0xa2);
        a2.log(TestVerb.REF, "connect");
        a2.log(TestVerb.SEND, "send");
        final History a3 = conn.push(0xa3);
        a3.log(TestVerb.REF, "connect");
        a3.unref();
        final History a4 = conn.push(0xa4);
        for (int i = 0; i < 10; i++)
        {
            a4.log(TestVerb.REF, "ref %d", i);
        }
        final History a5 = conn.push(0xa5);
        a5.log(TestVerb.REF, "connect");
        a5.log(TestVerb.UNREF, "close");
        a5.log(TestVerb.UNREF, "close again");
        other.push(0xb1).log(TestVerb.SEND, "hello");
        Thread.sleep(30);
        beforeLast = Instant.now();
        Thread.sleep(30);
        final History a6 = conn.push(0xa6);
        a6.log(TestVerb.REF, "connect");
        a6.log(TestVerb.REF, "share");
        a6.log(TestVerb.UNREF, "unshare");
        a6.log(TestVerb.DESTROY, "free");
    }

    @AfterAll
    static void closeFile()
    {
        file.close();
    }

    /** The addresses listed, in order. */
    private static List<String> addresses(final Cli.Result result)
    {
        return result.lines().stream().skip(1).filter(l -> l.startsWith("0x")).map(l -> l.split("\\s+")[0]).toList();
    }

    private static List<String> row(final Cli.Result result, final String address)
    {
        final List<String> rows = result.linesWith(address + " ");
        assertEquals(1, rows.size(), result.describe());
        return List.of(rows.get(0).split(" {2,}"));
    }

    @Test
    void everyIncarnationWithStateEventsRefsAndFlags()
    {
        final Cli.Result result = Cli.on(path, "objects").exits(ExitCode.OK).errEmpty();
        assertTrue(result.lines().get(0)
            .matches("ADDRESS +GEN +LIST +STATE +EVENTS +REFS +FIRST \\(UTC\\) +LAST \\(UTC\\) +FLAGS"),
            result.describe());
        assertEquals(List.of("0xa1", "0xa2", "0xa3", "0xa4", "0xa5", "0xb1", "0xa6"), addresses(result),
            "oldest push first, across lists");
        // ADDRESS GEN LIST STATE EVENTS REFS FIRST LAST [FLAGS]
        assertEquals(List.of("0xa1", "1", "conn", "destroyed", "3", "0"), row(result, "0xa1").subList(0, 6));
        assertEquals(List.of("0xa2", "1", "conn", "live", "2", "1"), row(result, "0xa2").subList(0, 6));
        assertEquals(List.of("0xa3", "1", "conn", "unref", "1", "1"), row(result, "0xa3").subList(0, 6));
        // Its 4 dropped refs are in the writer's net of every claimed event: the refcount now is known.
        assertEquals(List.of("0xa4", "1", "conn", "live", "10 (4 dropped)", "10"), row(result, "0xa4").subList(0, 6));
        assertEquals(List.of("0xa5", "1", "conn", "live", "3", "-1"), row(result, "0xa5").subList(0, 6));
        assertEquals(List.of("0xa6", "1", "conn", "destroyed", "4", "1"), row(result, "0xa6").subList(0, 6));
        assertEquals(List.of("0xb1", "1", "other", "live", "1", "0"), row(result, "0xb1").subList(0, 6));
        assertEquals("NEG", row(result, "0xa5").get(8));
        assertEquals("DWR", row(result, "0xa6").get(8));
        assertEquals(8, row(result, "0xa1").size(), "no flags on a clean history");
        final List<String> a1 = row(result, "0xa1");
        assertTrue(a1.get(6).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), a1.get(6));
        assertTrue(a1.get(7).compareTo(a1.get(6)) >= 0, "last event not before the first");
    }

    @Test
    void listFilter()
    {
        assertEquals(List.of("0xb1"), addresses(Cli.on(path, "objects", "--list", "other").exits(ExitCode.OK)));
        assertEquals(6, addresses(Cli.on(path, "objects", "--list", "conn").exits(ExitCode.OK)).size());
    }

    @Test
    void liveMeansNeitherDestroyedNorUnref()
    {
        assertEquals(List.of("0xa2", "0xa4", "0xa5", "0xb1"),
            addresses(Cli.on(path, "objects", "--live").exits(ExitCode.OK)));
    }

    @Test
    void destroyedMeansADestroyEvent()
    {
        assertEquals(List.of("0xa1", "0xa6"), addresses(Cli.on(path, "objects", "--destroyed").exits(ExitCode.OK)));
    }

    @Test
    void verbFilter()
    {
        assertEquals(List.of("0xa1", "0xa6"),
            addresses(Cli.on(path, "objects", "--verb", "DESTROY").exits(ExitCode.OK)));
        assertEquals(List.of("0xa2", "0xb1"), addresses(Cli.on(path, "objects", "--verb", "SEND").exits(ExitCode.OK)));
        Cli.on(path, "objects", "--verb", "NOPE").exits(ExitCode.OK).errEmpty()
            .outContains("no incarnation matches in " + path);
    }

    @Test
    void sinceFilter()
    {
        assertEquals(List.of("0xa6"),
            addresses(Cli.on(path, "objects", "--since", beforeLast.toString()).exits(ExitCode.OK)));
        assertEquals(7, addresses(Cli.on(path, "objects", "--since", "10m").exits(ExitCode.OK)).size());
        Cli.on(path, "objects", "--since", Instant.now().plusSeconds(3600).toString()).exits(ExitCode.OK)
            .outContains("no incarnation matches");
    }

    @Test
    void limitKeepsTheNewest()
    {
        final Cli.Result two = Cli.on(path, "objects", "--limit", "2").exits(ExitCode.OK);
        assertEquals(List.of("0xb1", "0xa6"), addresses(two), "the newest two, oldest push first");
        two.outContains("(5 older not shown: --limit 2)");
        final Cli.Result all = Cli.on(path, "objects", "--limit", "7").exits(ExitCode.OK).outLacks("not shown");
        assertEquals(7, addresses(all).size());
        final Cli.Result none =
            Cli.on(path, "objects", "--limit", "0").exits(ExitCode.OK).outLacks("no incarnation matches");
        assertEquals(List.of(), addresses(none));
        none.outContains("7 match, none shown: --limit 0");
    }

    @Test
    void filtersCombine()
    {
        assertEquals(List.of("0xa6"),
            addresses(Cli.on(path, "objects", "--list", "conn", "--destroyed", "--limit", "1").exits(ExitCode.OK)));
        assertEquals(List.of("0xa2"),
            addresses(Cli.on(path, "objects", "--live", "--verb", "SEND", "--list", "conn").exits(ExitCode.OK)));
    }

    @Test
    void jsonIsOneIncarnationPerLine()
    {
        final Cli.Result result = Cli.on(path, "objects", "--json").exits(ExitCode.OK).errEmpty();
        final List<String> lines = result.lines();
        assertEquals(7, lines.size(), result.describe());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"type\":\"incarnation\",") && l.endsWith("}")),
            result.describe());
        final String a4 = result.linesWith("\"address\":\"0xa4\"").get(0);
        assertTrue(a4.contains("\"state\":\"live\",\"events\":10,\"dropped\":4,\"staleDropped\":0,\"refs\":10," +
            "\"anomalies\":[]"), a4);
        final String a5 = result.linesWith("\"address\":\"0xa5\"").get(0);
        assertTrue(a5.contains("\"refs\":-1,\"anomalies\":[\"REFCOUNT_BELOW_ZERO\"]"), a5);
        assertTrue(a5.contains("\"list\":\"conn\",\"address\":\"0xa5\",\"generation\":1,\"incarnation\":1,\"push\":4," +
            "\"handle\":\"0x100000000000004\""), a5);
        assertEquals(2, Cli.on(path, "objects", "--json", "--destroyed").exits(ExitCode.OK).lines().size());
        assertEquals("", Cli.on(path, "objects", "--json", "--verb", "NOPE").exits(ExitCode.OK).out(),
            "no text in JSON mode");
    }
}
