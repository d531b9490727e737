package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.ExportFixture.Run;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code shdump export}: both formats carry every event, and the output file is all or nothing. */
class ExportCommandTest
{
    /** The field names of the JSON lines, in order: scripts rely on them (docs/CLI.md). */
    private static final List<String> INCARNATION_FIELDS = List.of("type", "list", "address", "generation",
        "incarnation", "push", "handle", "headerValid", "creatorPid", "creatorThread", "pushed", "state", "events",
        "dropped", "staleDropped",
        "refs", "anomalies");
    private static final List<String> EVENT_FIELDS = List.of("type", "list", "address", "generation", "position",
        "status", "time", "timeNanos", "coarseClock", "pid", "threadId", "thread", "verb", "effect", "format", "args",
        "text", "textTruncated", "message", "refs", "stack", "count");

    @TempDir
    static Path historyDir;

    private static Path history;

    @TempDir
    Path outDir;

    @BeforeAll
    static void writeHistories()
    {
        history = historyDir.resolve("export.hist");
        ExportFixture.write(history);
    }

    @Test
    void jsonCarriesEveryIncarnationAndEventInOrderWithStableFields() throws IOException
    {
        final Path file = outDir.resolve("all.jsonl");
        final Run run = export("--format", "json", "-o", file.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains("exported 4 histories"), run.err());

        final List<Map<String, Object>> lines = jsonLines(Files.readString(file));
        int line = 0;
        try (HistoryReader reader = HistoryReader.open(history))
        {
            for (final ListInfo list : reader.lists())
            {
                for (final Incarnation incarnation : reader.incarnations(list))
                {
                    final Map<String, Object> head = lines.get(line++);
                    assertEquals(INCARNATION_FIELDS, List.copyOf(head.keySet()));
                    assertEquals("incarnation", head.get("type"));
                    assertEquals(list.name(), head.get("list"));
                    assertEquals(Address.format(incarnation.address()), head.get("address"));
                    for (final Event event : reader.events(incarnation))
                    {
                        final Map<String, Object> json = lines.get(line++);
                        assertEquals(EVENT_FIELDS, List.copyOf(json.keySet()));
                        assertEventFields(list, incarnation, event, json);
                    }
                }
            }
        }
        assertEquals(lines.size(), line, "one line per incarnation and per event, nothing else");
    }

    private static void assertEventFields(final ListInfo list, final Incarnation incarnation, final Event event,
        final Map<String, Object> json)
    {
        assertEquals("event", json.get("type"));
        assertEquals(list.name(), json.get("list"));
        assertEquals(Address.format(incarnation.address()), json.get("address"));
        assertEquals(BigDecimal.valueOf(incarnation.generation()), json.get("generation"));
        assertEquals(BigDecimal.valueOf(event.position()), json.get("position"));
        assertEquals(EventStatus.VALID.name(), json.get("status"));
        assertEquals(BigDecimal.valueOf(event.wallNanos()), json.get("timeNanos"));
        assertEquals(BigDecimal.valueOf(event.pid()), json.get("pid"));
        assertEquals(event.threadName(), json.get("thread"));
        assertEquals(event.verb(), json.get("verb"));
        assertEquals(event.effect().name(), json.get("effect"));
        assertEquals(event.format(), json.get("format"));
        assertEquals(event.message(), json.get("message"));
    }

    @Test
    void jsonRefsFollowTheVerbsAndTextSurvivesEscaping() throws IOException
    {
        final Run run =
            export("--format", "json", "--obj", Address.format(ExportFixture.CONNECTION), "--list", "TCP con",
            "-o", "-");
        assertEquals(0, run.code(), run.err());
        final List<Map<String, Object>> lines = jsonLines(run.out());
        assertEquals(List.of("USE_AFTER_DESTROY", "REFCOUNT_BELOW_ZERO"), lines.get(0).get("anomalies"));
        assertEquals("destroyed", lines.get(0).get("state"));
        assertEquals(List.of("1", "2", "1", "0", "0", "0", "-1"),
            lines.stream().skip(1).map(l -> l.get("refs").toString()).toList());
        assertEquals(List.of(BigDecimal.valueOf(6), BigDecimal.valueOf(1)), lines.get(3).get("args"));

        final List<Map<String, Object>> talker = jsonLines(export("--format", "json", "--obj",
            Address.format(ExportFixture.TALKER), "-o", "-").out());
        assertEquals(ExportFixture.AWKWARD_TEXT, talker.get(1).get("message"));
        assertEquals(ExportFixture.AWKWARD_TEXT, talker.get(1).get("text"));

        // After events were dropped, refs is counted back from the writer's net of every claimed event (the
        // dropped ones too); a file that does not keep the net has it null from there on.
        final List<Map<String, Object>> chatty =
            jsonLines(export("--format", "json", "--list", "short", "-o", "-").out());
        assertEquals(BigDecimal.valueOf(3), chatty.get(0).get("dropped"));
        assertEquals(List.of("0", "1", "5", "6"),
            chatty.stream().skip(1).map(l -> l.get("position").toString()).toList());
        assertEquals(BigDecimal.ZERO, chatty.get(2).get("refs"));
        assertTrue(chatty.get(3).containsKey("refs"));
        assertEquals(BigDecimal.ZERO, chatty.get(3).get("refs"));
    }

    @Test
    void jsonOfOneAddressIsExactlyWhatShowJsonPrints()
    {
        final String address = Address.format(ExportFixture.CONNECTION);
        final Run export = export("--format", "json", "--obj", address, "-o", "-");
        final Run show = ExportFixture.run("--file", history.toString(), "show", "--obj", address, "--json");
        assertEquals(0, export.code(), export.err());
        assertEquals(0, show.code(), show.err());
        assertEquals(show.out(), export.out());
        assertEquals(2, jsonLines(export.out()).stream().filter(l -> "incarnation".equals(l.get("type"))).count(),
            "the address is in two lists");
    }

    @Test
    void chromeIsAValidTraceWithEveryEventOnItsIncarnationsTrack() throws IOException
    {
        final Path file = outDir.resolve("trace.json");
        final Run run = export("--format", "chrome", "-o", file.toString());
        assertEquals(0, run.code(), run.err());

        final Map<String, Object> trace = StrictJson.object(Files.readString(file));
        assertEquals("ns", trace.get("displayTimeUnit"));
        final List<Map<String, Object>> events = maps(trace.get("traceEvents"));
        for (final Map<String, Object> e : events)
        {
            assertTrue(e.get("name") instanceof String, e.toString());
            assertTrue(Set.of("M", "X", "i").contains(e.get("ph")), e.toString());
            assertTrue(e.get("pid") instanceof BigDecimal, e.toString());
            if (!"M".equals(e.get("ph")))
            {
                assertTrue(e.get("ts") instanceof BigDecimal && e.get("tid") instanceof BigDecimal, e.toString());
                assertTrue(e.get("cat") instanceof String, e.toString());
            }
            if ("i".equals(e.get("ph")))
            {
                assertEquals("t", e.get("s"), e.toString());
            }
        }
        assertTidsAreUniqueAcrossProcesses(events);

        try (HistoryReader reader = HistoryReader.open(history))
        {
            final long base = reader.clockBaseWallNanos();
            assertEquals(BigDecimal.valueOf(base), map(trace.get("otherData")).get("timeBaseNanos"));
            int valid = 0;
            for (final ListInfo list : reader.lists())
            {
                final BigDecimal pid = BigDecimal.valueOf(list.index() + 1);
                assertEquals(1, events.stream().filter(e -> "process_name".equals(e.get("name")) &&
                    pid.equals(e.get("pid")) &&
                    ("list " + list.name()).equals(map(e.get("args")).get("name"))).count());
                for (final Incarnation incarnation : reader.incarnations(list))
                {
                    final BigDecimal tid = BigDecimal.valueOf(((long)list.index() << 24) + incarnation.slot() + 1);
                    final List<Map<String, Object>> track = events.stream()
                        .filter(e -> pid.equals(e.get("pid")) && tid.equals(e.get("tid"))).toList();
                    assertEquals(1, track.stream().filter(e -> "thread_name".equals(e.get("name")) &&
                        (Address.format(incarnation.address()) + " gen " + incarnation.generation())
                            .equals(map(e.get("args")).get("name"))).count());
                    final Map<String, Object> lifetime = only(track, e -> "X".equals(e.get("ph")));
                    final BigDecimal start = (BigDecimal)lifetime.get("ts");
                    final BigDecimal end = start.add((BigDecimal)lifetime.get("dur"));
                    for (final Event event : reader.events(incarnation))
                    {
                        valid++;
                        final Map<String, Object> instant = only(track, e -> "event".equals(e.get("cat")) &&
                            BigDecimal.valueOf(event.position()).equals(map(e.get("args")).get("position")));
                        assertEquals(event.verb(), instant.get("name"));
                        assertEquals(micros(event.wallNanos() - base), instant.get("ts"), "exact to the nanosecond");
                        assertTrue(start.compareTo(micros(event.wallNanos() - base)) <= 0 &&
                            end.compareTo(micros(event.wallNanos() - base)) >= 0, "inside its lifetime slice");
                        final Map<String, Object> args = map(instant.get("args"));
                        assertEquals(event.message(), args.get("message"));
                        assertEquals(BigDecimal.valueOf(event.pid()), args.get("pid"));
                        assertEquals(event.threadName(), args.get("thread"));
                        assertTrue(args.containsKey("refs"));
                    }
                }
            }
            assertEquals(valid, events.stream().filter(e -> "event".equals(e.get("cat"))).count());
        }

        final Map<String, Object> useAfterDestroy = only(events, e -> "USE_AFTER_DESTROY".equals(e.get("name")));
        assertEquals("anomaly", useAfterDestroy.get("cat"));
        assertEquals(BigDecimal.valueOf(5), map(useAfterDestroy.get("args")).get("position"));
        assertEquals("anomaly", only(events, e -> "REFCOUNT_BELOW_ZERO".equals(e.get("name"))).get("cat"));
        assertEquals(BigDecimal.valueOf(3),
            map(only(events, e -> "dropped".equals(e.get("cat"))).get("args")).get("dropped"));
    }

    /** Perfetto keys threads by tid alone: one tid under two pids would merge or split tracks. */
    private static void assertTidsAreUniqueAcrossProcesses(final List<Map<String, Object>> events)
    {
        final Map<Object, Set<Object>> pidsByTid = new HashMap<>();
        events.stream().filter(e -> e.containsKey("tid"))
            .forEach(e -> pidsByTid.computeIfAbsent(e.get("tid"), t -> new java.util.HashSet<>()).add(e.get("pid")));
        pidsByTid.forEach((tid, pids) -> assertEquals(1, pids.size(), "tid " + tid + " in processes " + pids));
    }

    @Test
    void dashWritesToStandardOutputAndCreatesNoFile() throws IOException
    {
        final Path file = outDir.resolve("trace.json");
        assertEquals(0, export("--format", "chrome", "-o", file.toString()).code());
        final Run run = export("--format", "chrome", "-o", "-");
        assertEquals(0, run.code(), run.err());
        assertEquals(Files.readString(file), run.out());
        assertEquals("", run.err(), "nothing but the export on stdout, nothing on stderr");
        assertFalse(Files.exists(Paths.get("-")));
    }

    @Test
    void anExistingFileIsKeptWithoutForce() throws IOException
    {
        final Path file = outDir.resolve("keep.json");
        Files.writeString(file, "keep me");
        final Run run = export("--format", "json", "-o", file.toString());
        assertEquals(ExitCode.USAGE, run.code());
        assertEquals("shdump: " + file + " exists; give --force to replace it", run.err().strip());
        assertEquals("keep me", Files.readString(file));
        assertEquals(List.of(file), listing(outDir), "no temporary file left");
    }

    @Test
    void forceReplacesTheFileWholeAndOwnerOnly() throws IOException
    {
        final Path file = outDir.resolve("replace.json");
        Files.writeString(file, "old");
        final Run run = export("--format", "chrome", "--force", "-o", file.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.readString(file).startsWith("{\"traceEvents\":["));
        StrictJson.parse(Files.readString(file));
        assertEquals(List.of(file), listing(outDir));
        if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null)
        {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file), "as private as the history file it came from");
        }
    }

    @Test
    void aBadFormatIsAUsageError()
    {
        final Path file = outDir.resolve("x.json");
        final Run run = export("--format", "xml", "-o", file.toString());
        assertEquals(ExitCode.USAGE, run.code());
        assertTrue(run.err().contains("'xml' is not a format: give json or chrome"), run.err());
        assertFalse(Files.exists(file));
        assertEquals(0, export("--format", "CHROME", "-o", "-").code(), "any case");
    }

    @Test
    void formatAndOutputAreRequired()
    {
        assertEquals(ExitCode.USAGE, export("-o", "-").code());
        final Run run = export("--format", "json");
        assertEquals(ExitCode.USAGE, run.code());
        assertTrue(run.err().contains("--output"), run.err());
    }

    @Test
    void aMissingHistoryFileIsAFileProblemAndWritesNothing()
    {
        final Path file = outDir.resolve("x.json");
        final Path missing = outDir.resolve("missing.hist");
        final Run run =
            ExportFixture.run("--file", missing.toString(), "export", "--format", "json", "-o", file.toString());
        assertEquals(ExitCode.BAD_FILE, run.code());
        assertEquals("shdump: " + missing + " does not exist", run.err().strip());
        assertFalse(Files.exists(file));
    }

    @Test
    void anOutputThatCannotBeWrittenIsAFileProblem()
    {
        final Path file = outDir.resolve("no-such-dir").resolve("x.json");
        final Run run = export("--format", "json", "-o", file.toString());
        assertEquals(ExitCode.BAD_FILE, run.code());
        assertTrue(run.err().startsWith("shdump: cannot write " + file + ": "), run.err());
        assertEquals(1, run.err().lines().count(), "one sentence");

        final Run directory = export("--format", "json", "--force", "-o", outDir.toString());
        assertEquals(ExitCode.BAD_FILE, directory.code());
        assertTrue(directory.err().contains("is a directory"), directory.err());
    }

    @Test
    void theHistoryFileIsNeverOverwrittenEvenWithForce()
    {
        final Run run = export("--format", "json", "--force", "-o", history.toString());
        assertEquals(ExitCode.USAGE, run.code());
        assertTrue(run.err().contains("it is the history file being read"), run.err());
        assertEquals(0, ExportFixture.run("--file", history.toString(), "info").code());
    }

    @Test
    void anAddressNoListHoldsExitsOneAndWritesNothing()
    {
        final Path file = outDir.resolve("x.json");
        final Run run = export("--format", "chrome", "--obj", "0x1234", "-o", file.toString());
        assertEquals(ExitCode.FOUND, run.code());
        assertTrue(run.err().startsWith("shdump: no history of 0x1234 in "), run.err());
        assertFalse(Files.exists(file));
    }

    @Test
    void anUnknownListIsAUsageError()
    {
        final Run run = export("--format", "json", "--list", "nope", "-o", "-");
        assertEquals(ExitCode.USAGE, run.code());
        assertEquals("shdump: no list 'nope' in " + history, run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void objAndListSelect() throws IOException
    {
        final String address = Address.format(ExportFixture.CONNECTION);
        assertEquals(List.of("TCP con", "UDP sock"),
            incarnationLists(export("--format", "json", "--obj", address, "-o", "-")));
        assertEquals(List.of("UDP sock"),
            incarnationLists(export("--format", "json", "--obj", address, "--list", "UDP sock", "-o", "-")));
        assertEquals(List.of("TCP con", "TCP con"),
            incarnationLists(export("--format", "json", "--list", "TCP con", "-o", "-")));

        final Map<String, Object> trace =
            StrictJson.object(export("--format", "chrome", "--list", "short", "-o", "-").out());
        assertEquals(Set.of(BigDecimal.valueOf(3)),
            maps(trace.get("traceEvents")).stream().map(e -> e.get("pid")).collect(Collectors.toSet()));
    }

    @Test
    void helpWorksOnTheCommandItself()
    {
        final Run run = export("--help");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("--format=FORMAT"), run.out());
    }

    private static Run export(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("--file", history.toString(), "export"));
        all.addAll(List.of(args));
        return ExportFixture.run(all.toArray(String[]::new));
    }

    private static List<String> incarnationLists(final Run run)
    {
        assertEquals(0, run.code(), run.err());
        return jsonLines(run.out()).stream().filter(l -> "incarnation".equals(l.get("type")))
            .map(l -> (String)l.get("list")).toList();
    }

    static List<Map<String, Object>> jsonLines(final String text)
    {
        assertTrue(text.isEmpty() || text.endsWith("\n"), "JSON lines end with a newline");
        return text.lines().map(StrictJson::object).toList();
    }

    private static BigDecimal micros(final long nanos)
    {
        return BigDecimal.valueOf(nanos).movePointLeft(3);
    }

    private static Map<String, Object> only(final List<Map<String, Object>> events,
        final java.util.function.Predicate<Map<String, Object>> which)
    {
        final List<Map<String, Object>> found = events.stream().filter(which).toList();
        assertEquals(1, found.size(), "exactly one: " + found);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        assertNotNull(value);
        return (Map<String, Object>)value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(final Object value)
    {
        assertNotNull(value);
        return (List<Map<String, Object>>)value;
    }

    private static List<Path> listing(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.sorted().toList();
        }
    }
}
