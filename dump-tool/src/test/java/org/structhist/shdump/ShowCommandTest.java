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
import org.structhist.format.EventDescriptor;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code shdump show --obj} and {@code shdump --obj}: the history of one address, and every filter. */
class ShowCommandTest
{
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static Path path;
    private static HistoryFile file;
    private static long alphaId;
    private static Instant afterFirst;
    private static Instant afterSecond;

    @BeforeAll
    static void writeFile() throws Exception
    {
        path = dir.resolve("show.hist");
        file = Histories.open(path);
        final HistoryList conn = file.list("conn", ListOptions.window(16).eventsPerObject(6).pinnedFirst(2));
        final HistoryList other = file.list("other", ListOptions.window(4).eventsPerObject(4));

        // 0xa1 twice in conn (destroyed, then born again) and once in other.
        final History first = conn.push(0xa1);
        first.log(TestVerb.REF, "connect, (%d)", 1);
        first.log(TestVerb.UNREF, "close, (%d)", 0);
        first.log(TestVerb.DESTROY, "type=%d", 2);
        conn.push(0xa1).log(TestVerb.REF, "reconnect, (%d)", 1);
        other.push(0xa1).log(TestVerb.SEND, "elsewhere");

        // 0xa4: 10 refs, 4 of them dropped between the 2 pinned and the 4 newest.
        final History a4 = conn.push(0xa4);
        for (int i = 0; i < 10; i++)
        {
            a4.log(TestVerb.REF, "ref %d", i);
        }
        a4.unref();

        // 0xc1: logged by three threads, two of them named alpha.
        final History c1 = conn.push(0xc1);
        final AtomicLong alpha = new AtomicLong();
        runAs("alpha", () ->
        {
            alpha.set(Thread.currentThread().getId());
            c1.log(TestVerb.REF, "alpha ref");
        });
        runAs("beta", () -> c1.log(TestVerb.SEND, "beta send"));
        runAs("alpha", () -> c1.log(TestVerb.UNREF, "alpha unref"));
        alphaId = alpha.get();

        // 0xd1: text arguments, one too long for a 64-byte record.
        final History d1 = conn.push(0xd1);
        d1.log(TestVerb.SEND, "peer %s", "10.0.0.1");
        d1.log(TestVerb.SEND, "said %s", "a sentence far too long for the twenty-four bytes of a record");

        // 0xf1: three events apart in time.
        final History f1 = conn.push(0xf1);
        f1.log(TestVerb.REF, "early");
        Thread.sleep(30);
        afterFirst = Instant.now();
        Thread.sleep(30);
        f1.log(TestVerb.SEND, "middle");
        Thread.sleep(30);
        afterSecond = Instant.now();
        Thread.sleep(30);
        f1.log(TestVerb.UNREF, "late");

        // 0xe1: event #1 claimed and never committed by this (live) process; 0xe2: #0 hit by a stray write.
        final History e1 = conn.push(0xe1);
        e1.log(TestVerb.REF, "one");
        e1.log(TestVerb.SEND, "two");
        e1.log(TestVerb.SEND, "three");
        final History e2 = conn.push(0xe2);
        e2.log(TestVerb.REF, "one");
        e2.log(TestVerb.SEND, "two");
        final HistoryReader reader = HistoryReader.open(path);
        final Incarnation i1 = reader.incarnationsOf(0xe1).get(0);
        Histories.patch(path, Histories.recordOffset(i1, 1) + EventDescriptor.STAMP_OFFSET, 0, 8);
        final Incarnation i2 = reader.incarnationsOf(0xe2).get(0);
        Histories.patch(path, Histories.recordOffset(i2, 0) + EventDescriptor.PAYLOAD_OFFSET, 999, 8);
    }

    @AfterAll
    static void closeFile()
    {
        file.close();
    }

    private static void runAs(final String name, final Runnable body) throws InterruptedException
    {
        final Thread thread = new Thread(body, name);
        thread.start();
        thread.join();
    }

    /** The event rows ("  N  TIME ..."), split into cells. */
    private static List<List<String>> events(final Cli.Result result)
    {
        return result.lines().stream().filter(l -> l.matches(" +\\d+ {2}.*"))
            .map(l -> List.of(l.strip().split(" {2,}"))).toList();
    }

    private static List<String> messages(final Cli.Result result)
    {
        return events(result).stream().map(cells -> cells.get(cells.size() - 1)).toList();
    }

    @Test
    void everyEventWithTimeDeltaPidThreadVerbRefsAndMessage()
    {
        final Cli.Result result =
            Cli.on(path, "show", "--obj", "0xa1", "--list", "other").exits(ExitCode.OK).errEmpty();
        assertTrue(result.lines().get(0)
            .matches("other {2}0xa1 {2}incarnation 1 {2}gen 1 \\(push #0\\) {2}created by pid " + PID +
            " \\S+ at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} UTC {2}live {2}events 1"), result.describe());
        assertTrue(result.lines().get(1).matches(" {2}# {2}TIME \\(UTC\\) +DELTA +PID +THREAD +VERB +REFS +MESSAGE"),
            result.describe());
        final List<List<String>> events = events(Cli.on(path, "--obj", "0xc1").exits(ExitCode.OK));
        assertEquals(3, events.size());
        // # TIME PID THREAD VERB REFS MESSAGE (no delta on the first event), then with a delta.
        assertEquals(List.of("0", String.valueOf(PID), "alpha", "REF", "1", "alpha ref"),
            List.of(events.get(0).get(0), events.get(0).get(2), events.get(0).get(3), events.get(0).get(4),
                events.get(0).get(5), events.get(0).get(6)));
        assertTrue(events.get(0).get(1).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), events.get(0).toString());
        assertTrue(events.get(1).get(2).matches("\\+\\d+(us|\\.\\d{3}ms|\\.\\d{3}s)"), events.get(1).toString());
        assertEquals(List.of("1", "beta", "SEND", "1", "beta send"),
            List.of(events.get(1).get(0), events.get(1).get(4), events.get(1).get(5),
            events.get(1).get(6), events.get(1).get(7)));
        assertEquals(List.of("2", "alpha", "UNREF", "0", "alpha unref"),
            List.of(events.get(2).get(0), events.get(2).get(4), events.get(2).get(5),
            events.get(2).get(6), events.get(2).get(7)));
    }

    @Test
    void everyIncarnationOfTheAddressOldestFirst()
    {
        final Cli.Result result = Cli.on(path, "--obj", "0xa1").exits(ExitCode.OK).errEmpty();
        final List<String> headers = result.lines().stream().filter(l -> !l.startsWith(" ") && !l.isEmpty()).toList();
        assertEquals(3, headers.size(), result.describe());
        // Both lives of 0xa1 in conn are in generation 1 of their slots: the incarnation number tells them apart.
        assertTrue(headers.get(0).startsWith("conn  0xa1  incarnation 1  gen 1 (push #0)") &&
            headers.get(0).contains("  destroyed  events 3"), result.describe());
        assertTrue(headers.get(1).startsWith("conn  0xa1  incarnation 2  gen 1 (push #1)") &&
            headers.get(1).contains("  live  events 1"), result.describe());
        assertTrue(headers.get(2).startsWith("other  0xa1  incarnation 1  gen 1 (push #0)"), result.describe());
        final List<String> json = Cli.on(path, "--obj", "0xa1", "--json").exits(ExitCode.OK).lines().stream()
            .filter(l -> l.startsWith("{\"type\":\"incarnation\"")).toList();
        assertEquals(3, json.size());
        assertTrue(json.get(0).contains("\"generation\":1,\"incarnation\":1,"), json.get(0));
        assertTrue(json.get(1).contains("\"generation\":1,\"incarnation\":2,"), json.get(1));
        assertTrue(json.get(2).contains("\"list\":\"other\"") &&
            json.get(2).contains("\"incarnation\":1,"), json.get(2));
        assertEquals(List.of("connect, (1)", "close, (0)", "type=2", "reconnect, (1)", "elsewhere"), messages(result));
        assertEquals(2, result.lines().stream().filter(String::isEmpty).count(), "a blank line between histories");
    }

    @Test
    void theShortcutIsTheSameAsShow()
    {
        for (final String address : new String[] {"0xa1", "0xa4", "0xe1"})
        {
            assertEquals(Cli.on(path, "show", "--obj", address).out(), Cli.on(path, "--obj", address).out());
            assertEquals(Cli.on(path, "show", "--obj", address, "--json").out(),
                Cli.on(path, "--obj", address, "--json").out());
        }
    }

    @Test
    void addressesInHexOrDecimal()
    {
        final String expected = Cli.on(path, "--obj", "0xa1").exits(ExitCode.OK).out();
        for (final String address : new String[] {"161", "0XA1", "0x00a1", "0xa_1", " 0xa1 "})
        {
            assertEquals(expected, Cli.on(path, "--obj", address).exits(ExitCode.OK).out(), address);
        }
    }

    @Test
    void anAddressNotInTheWindowIsExitOne()
    {
        Cli.on(path, "--obj", "0x999").exits(ExitCode.FOUND)
            .saysOneSentence("no history of 0x999 in " + path + " (each list keeps only its last objects");
        Cli.on(path, "show", "--obj", "0xc1", "--list", "other").exits(ExitCode.FOUND)
            .saysOneSentence("no history of 0xc1 in list 'other' in " + path);
        Cli.on(path, "--obj", "0x999", "--json").exits(ExitCode.FOUND).saysOneSentence("no history of 0x999");
    }

    @Test
    void droppedEventsAreMarkedAndTheRefcountIsCountedBackFromTheWritersNet()
    {
        final Cli.Result result = Cli.on(path, "--obj", "0xa4").exits(ExitCode.OK);
        assertTrue(result.lines().get(0).endsWith("  unref  events 10 (4 dropped)"), result.describe());
        final List<String> lines = result.lines();
        final int marker = lines.indexOf(lines.stream().filter(l -> l.contains("...")).findFirst().orElseThrow());
        assertEquals("... 4 events dropped here (the first 2 and the newest are kept) ...", lines.get(marker).strip());
        final List<List<String>> events = events(result);
        assertEquals(List.of("0", "1", "6", "7", "8", "9"), events.stream().map(e -> e.get(0)).toList());
        // After the gap: counted back from the writer's net of every claimed event (10 refs), not unknown.
        assertEquals(List.of("1", "2", "7", "8", "9", "10"), events.stream().map(e -> e.get(e.size() - 2)).toList());
        assertTrue(lines.get(marker - 1).contains("ref 1") &&
            lines.get(marker + 1).contains("ref 6"), result.describe());
        assertTrue(lines.get(lines.size() - 1)
            .matches("  unref at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} UTC"),
            result.describe());
    }

    @Test
    void invalidRecordsAreShownAsSuchNotAsEvents()
    {
        final Cli.Result inFlight = Cli.on(path, "--obj", "0xe1").exits(ExitCode.OK);
        final String row = inFlight.linesWith("[in flight").get(0);
        assertTrue(row.matches(" +1 +" + PID + " +\\[in flight: claimed, not committed \\(pid field " + PID + "\\)]"),
            row);
        assertEquals(List.of("one", "three"), messages(inFlight).stream().filter(m -> !m.startsWith("[")).toList());
        // This process is alive: it may still be writing the record, so it is no anomaly.
        inFlight.outLacks("!");
        final Cli.Result stray = Cli.on(path, "--obj", "0xe2").exits(ExitCode.OK);
        assertTrue(stray.linesWith("[checksum mismatch: not a valid event]").get(0).strip()
            .startsWith("0 "), stray.describe());
        stray.outContains("! CORRUPT_RECORD  #0  a record fails its checksum or stamp (stray " +
            "write) (CHECKSUM_MISMATCH)");
    }

    @Test
    void textArgumentsAndTruncatedText()
    {
        final List<String> messages = messages(Cli.on(path, "--obj", "0xd1").exits(ExitCode.OK));
        assertEquals("peer 10.0.0.1", messages.get(0));
        assertTrue(messages.get(1).startsWith("said a sentence") && messages.get(1).endsWith("…"), messages.get(1));
        assertTrue(messages.get(1).length() <
            "said a sentence far too long for the twenty-four bytes of a record".length());
    }

    @Test
    void verbFilterTakesAList()
    {
        assertEquals(List.of("alpha ref"), messages(Cli.on(path, "--obj", "0xc1").exits(ExitCode.OK)).subList(0, 1));
        assertEquals(List.of("alpha ref"),
            messages(Cli.on(path, "show", "--obj", "0xc1", "--verb", "REF").exits(ExitCode.OK)));
        assertEquals(List.of("alpha ref", "alpha unref"),
            messages(Cli.on(path, "show", "--obj", "0xc1", "--verb", "REF,UNREF").exits(ExitCode.OK)));
        assertEquals(List.of("alpha ref", "beta send"),
            messages(Cli.on(path, "show", "--obj", "0xc1", "--verb", "REF", "--verb", "SEND").exits(ExitCode.OK)));
    }

    @Test
    void pidFilter()
    {
        assertEquals(3,
            events(Cli.on(path, "show", "--obj", "0xc1", "--pid", String.valueOf(PID)).exits(ExitCode.OK)).size());
        assertEquals(3, events(Cli.on(path, "show", "--obj", "0xc1", "--pid", "1," + PID).exits(ExitCode.OK)).size());
        final Cli.Result none = Cli.on(path, "show", "--obj", "0xc1", "--pid", "1").exits(ExitCode.OK);
        assertEquals(0, events(none).size(), none.describe());
    }

    @Test
    void threadFilterByNameOrId()
    {
        assertEquals(List.of("beta send"),
            messages(Cli.on(path, "show", "--obj", "0xc1", "--thread", "beta").exits(ExitCode.OK)));
        assertEquals(List.of("alpha ref", "alpha unref"),
            messages(Cli.on(path, "show", "--obj", "0xc1", "--thread", "alpha").exits(ExitCode.OK)));
        // Two threads were named alpha; the id picks the first.
        assertEquals(List.of("alpha ref"),
            messages(Cli.on(path, "show", "--obj", "0xc1", "--thread", String.valueOf(alphaId)).exits(ExitCode.OK)));
        assertEquals(3,
            events(Cli.on(path, "show", "--obj", "0xc1", "--thread", "alpha,beta").exits(ExitCode.OK)).size());
        assertEquals(0, events(Cli.on(path, "show", "--obj", "0xc1", "--thread", "gamma").exits(ExitCode.OK)).size());
    }

    @Test
    void sinceAndUntil()
    {
        assertEquals(List.of("middle", "late"),
            messages(Cli.on(path, "show", "--obj", "0xf1", "--since", afterFirst.toString()).exits(ExitCode.OK)));
        assertEquals(List.of("early", "middle"),
            messages(Cli.on(path, "show", "--obj", "0xf1", "--until", afterSecond.toString()).exits(ExitCode.OK)));
        assertEquals(List.of("middle"), messages(Cli.on(path, "show", "--obj", "0xf1", "--since", afterFirst.toString(),
            "--until", afterSecond.toString()).exits(ExitCode.OK)));
        // A UTC date-time without a zone, and a time ago.
        final String local = afterFirst.toString().replace("Z", "");
        assertEquals(List.of("middle", "late"),
            messages(Cli.on(path, "show", "--obj", "0xf1", "--since", local).exits(ExitCode.OK)));
        assertEquals(3, events(Cli.on(path, "show", "--obj", "0xf1", "--since", "1h").exits(ExitCode.OK)).size());
        assertEquals(0, events(Cli.on(path, "show", "--obj", "0xf1", "--until", "1h").exits(ExitCode.OK)).size());
    }

    @Test
    void anomaliesShowWhateverTheFilter()
    {
        // The use-after-destroy event is flagged: it shows although the filter leaves out its verb.
        final History uad = file.list("conn", ListOptions.window(16).eventsPerObject(6).pinnedFirst(2)).push(0xbad);
        uad.log(TestVerb.DESTROY, "free");
        uad.log(TestVerb.SEND, "late");
        final Cli.Result result = Cli.on(path, "show", "--obj", "0xbad", "--verb", "DESTROY").exits(ExitCode.OK);
        assertEquals(List.of("free", "late"), messages(result));
        result.outContains("! USE_AFTER_DESTROY  #1  event after DESTROY (use after free) (1 event after DESTROY #0)");
    }

    @Test
    void jsonIsTheIncarnationThenItsEvents()
    {
        final Cli.Result result = Cli.on(path, "--obj", "0xc1", "--json").exits(ExitCode.OK).errEmpty();
        final List<String> lines = result.lines();
        assertEquals(4, lines.size(), result.describe());
        assertTrue(lines.get(0)
            .startsWith("{\"type\":\"incarnation\",\"list\":\"conn\",\"address\":\"0xc1\",\"generation\":1,"),
            lines.get(0));
        assertTrue(lines.get(0).contains("\"creatorPid\":" + PID + ",") &&
            lines.get(0).contains("\"state\":\"live\",\"events\":3,"),
            lines.get(0));
        assertTrue(lines.get(1)
            .startsWith("{\"type\":\"event\",\"list\":\"conn\",\"address\":\"0xc1\",\"generation\":1," +
            "\"position\":0,\"status\":\"VALID\",\"time\":\""), lines.get(1));
        assertTrue(lines.get(1)
            .contains(",\"pid\":" + PID + ",\"threadId\":" + alphaId + ",\"thread\":\"alpha\",\"verb\":\"REF\"," +
            "\"effect\":\"REF\",\"format\":\"alpha ref\",\"args\":[],\"text\":null,\"textTruncated\":false," +
            "\"message\":\"alpha ref\",\"refs\":1,\"stack\":null,\"count\":null}"),
            lines.get(1));
        assertEquals(2,
            Cli.on(path, "show", "--obj", "0xc1", "--json", "--thread", "alpha").exits(ExitCode.OK).lines().size() - 1);
        final String invalid =
            Cli.on(path, "--obj", "0xe1", "--json").exits(ExitCode.OK).linesWith("\"position\":1,").get(0);
        assertEquals("{\"type\":\"event\",\"list\":\"conn\",\"address\":\"0xe1\",\"generation\":1,\"position\":1," +
            "\"status\":\"IN_FLIGHT\",\"pid\":" + PID + "}", invalid);
        final String dropped =
            Cli.on(path, "--obj", "0xa4", "--json").exits(ExitCode.OK).linesWith("\"position\":6,").get(0);
        assertTrue(dropped.contains("\"refs\":7,"), dropped);
    }
}
