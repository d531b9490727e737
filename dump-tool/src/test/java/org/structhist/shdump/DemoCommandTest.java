package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.WriterInfo;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shdump demo} end to end, in process: it starts tcp-main and its workers as child JVMs on the
 * surefire class path (or, with --threads, the threads server in one child JVM), then runs check, --obj and
 * heap --addr on the files left behind. What a user must see: the crashed connection named, the bug on it
 * with the worker's extra unref as its cause, named by the worker's pid (not tcp-main's), the chunk freed by
 * that pid, and in its history the TCP_DESTROY by a worker followed by tcp-main's use. Every run of a seed
 * must tell the same story.
 */
class DemoCommandTest
{
    private static final Pattern CRASH = Pattern.compile("SIGSEGV in tcp_conn_write\\(conn=(0x[0-9a-f]+)\\)");
    /** One event row of show: position, time, optional delta, pid, thread, verb, refs, message. */
    private static final Pattern EVENT_ROW = Pattern.compile(
        "^\\s+(\\d+)\\s+\\S+\\s+(?:[+-]\\S+\\s+)?\\d+\\s+(\\S+)\\s+(TCP_\\w+)\\s+(-?\\d+|\\?)\\s+(.*)$");

    @TempDir
    Path dir;

    /** What one shdump invocation printed and returned. */
    private record Run(int code, String out, String err)
    {
        String all()
        {
            return out + "\n--- stderr ---\n" + err;
        }
    }

    private static Run shdump(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err))
        {
            code = Shdump.run(o, e, args);
        }
        return new Run(code, out.toString(), err.toString());
    }

    /** One event of the culprit's history as shown: thread, verb, refs, message (times and pids vary). */
    private record Row(int position, String thread, String verb, String refs, String message)
    {
    }

    /** The culprit's address, checked to be found, flagged and shown as the bug it is; then its event rows. */
    private static List<Row> assertCulpritFound(final Run run, final String expectedAddress)
    {
        assertEquals(0, run.code(), run.all());
        final Matcher crash = CRASH.matcher(run.out());
        assertTrue(crash.find(), "no crash report\n" + run.all());
        final String address = crash.group(1);
        if (expectedAddress != null)
        {
            assertEquals(expectedAddress, address, "another culprit than the last run of this seed\n" + run.all());
        }

        final String out = run.out();
        final int check = out.indexOf("2. shdump check --file ");
        final int show = out.indexOf("3. shdump --obj " + address + " --file ");
        assertTrue(check >= 0 && show > check, "steps 2 and 3 missing or out of order\n" + run.all());
        // One bug in the whole file, on the crashed connection; the other lines are the crash's leaks.
        final List<String> anomalies = out.substring(check, show).lines()
            .filter(l -> l.matches("[A-Z_]+ {2}.*") && !l.startsWith("ANOMALY") &&
            !l.startsWith("LEAK_AT_DEATH")).toList();
        assertEquals(1, anomalies.size(), "one bug, none elsewhere\n" + run.all());
        assertTrue(anomalies.get(0).startsWith("DESTROY_WITH_REFS") &&
            anomalies.get(0).contains(address), anomalies.get(0));
        assertTrue(out.substring(check, show).contains("LEAK_AT_DEATH"), "the crash leaves live connections\n" + out);

        final List<Row> rows = new ArrayList<>();
        final String[] lines = out.substring(show).split("\n");
        for (final String line : lines)
        {
            final Matcher m = EVENT_ROW.matcher(line);
            if (m.matches())
            {
                rows.add(new Row(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5).trim()));
            }
        }
        int destroy = -1;
        for (int i = 0; i < rows.size(); i++)
        {
            if (rows.get(i).verb().equals("TCP_DESTROY"))
            {
                destroy = i;
                break;
            }
        }
        assertTrue(destroy > 0, "no TCP_DESTROY in the culprit's history\n" + out);
        assertTrue(rows.get(destroy).thread().startsWith("tcpworker-"), "destroyed by a worker: " + rows.get(destroy));
        assertTrue(destroy + 1 < rows.size(), "nothing after the destroy\n" + out);
        final Row after = rows.get(destroy + 1);
        assertEquals("tcp-main", after.thread(), "the main loop used it after the destroy: " + after);
        // tcp-main's reference after the destroy may have been taken before it, as far as the clocks prove: what
        // they prove is that the DESTROY left a reference behind, and the hand-offs say whose unref was extra.
        final Row destroyRow = rows.get(destroy);
        assertTrue(out.contains("! DESTROY_WITH_REFS  #" + destroyRow.position()), out);
        // The cause shows just above: two "async write" unrefs by the destroying worker for one write ref.
        assertEquals("tcpworker async write, (0)", rows.get(destroy - 1).message(), out);
        assertEquals("tcpworker async write, (1)", rows.get(destroy - 2).message(), out);
        final String cause = destroyRow.thread() + " released ";
        final Matcher causeLine =
            Pattern.compile("cause: " + Pattern.quote(cause) + "(\\d+) references where it held (\\d+) " +
            "\\(#" + rows.get(destroy - 1).position() + " is one too many\\)").matcher(out);
        assertTrue(causeLine.find(), "the cause names the worker's extra unref\n" + out);
        assertEquals(Integer.parseInt(causeLine.group(1)) - 1, Integer.parseInt(causeLine.group(2)), causeLine.group());
        // The explanation quotes the audit's own line, the one check and show print.
        final String quoted = "The audit's culprit line: DESTROY_WITH_REFS at #" + destroyRow.position() + " (pid ";
        assertTrue(out.replace("\n", " ").contains(quoted), out);
        assertTrue(out.replace("\n", " ").contains(causeLine.group().substring("cause: ".length())), out);
        assertTrue(out.contains("./shdump --obj " + address + " --file "), "the re-run commands\n" + out);
        return rows;
    }

    private static String culpritAddress(final Run run)
    {
        final Matcher crash = CRASH.matcher(run.out());
        assertTrue(crash.find(), run.all());
        return crash.group(1);
    }

    @Test
    void threadsFindTheCulpritAndTellTheSameStoryEveryRun()
    {
        final Run first = shdump("--no-color", "demo", "--threads");
        final List<Row> firstRows = assertCulpritFound(first, null);
        final String address = culpritAddress(first);

        final Run second = shdump("--no-color", "demo", "--threads");
        final List<Row> secondRows = assertCulpritFound(second, address);
        assertEquals(firstRows, secondRows, "the same events, threads, refcounts and messages\n" + first.out() +
            "\n=== second run ===\n" + second.out());
        assertTrue(first.err().isEmpty() && second.err().isEmpty(), first.err() + second.err());
    }

    /** What a seed must reproduce: the connection, its address, the worker (by name) and the extra unref's position. */
    private record Story(int connection, String address, String worker, int extraUnref)
    {
    }

    private static final Pattern PIDS = Pattern.compile(
        "1\\. tcp-main \\(pid (\\d+)\\) and 3 worker processes \\(pids (\\d+), (\\d+), (\\d+)\\) ran");
    private static final Pattern CONNECTION = Pattern.compile("\\|\\s+connection #(\\d+) from 127\\.0\\.0\\.1:\\d+");
    /** One event row of show with its pid: position, pid, thread, verb, message. */
    private static final Pattern PID_ROW = Pattern.compile(
        "^\\s+(\\d+)\\s+\\S+\\s+(?:[+-]\\S+\\s+)?(\\d+)\\s+(\\S+)\\s+(TCP_\\w+)\\s+(?:=?-?\\d+|\\?)\\s+(.*)$");

    /**
     * The process demo's story, checked: tcp-main crashed on a connection that a worker process freed, the
     * audit names that worker by its pid as the culprit, the heap shows the chunk freed by it, and the
     * history file was written by four processes.
     */
    private static Story assertProcessCulpritFound(final Run run, final Path dir) throws Exception
    {
        assertEquals(0, run.code(), run.all());
        assertTrue(run.err().isEmpty(), run.all());
        final String out = run.out();
        final String flat = out.replaceAll("\\s+", " ");
        final Matcher pids = PIDS.matcher(flat);
        assertTrue(pids.find(), "step 1 names the processes\n" + out);
        final long mainPid = Long.parseLong(pids.group(1));
        final Set<Long> workers = Set.of(Long.parseLong(pids.group(2)), Long.parseLong(pids.group(3)),
            Long.parseLong(pids.group(4)));
        assertFalse(workers.contains(mainPid), "tcp-main and the workers are distinct processes\n" + out);
        final String address = culpritAddress(run);
        final Matcher connection = CONNECTION.matcher(out);
        assertTrue(connection.find(), "the crash report names the connection\n" + out);

        final int check = out.indexOf("2. shdump check --file ");
        final int show = out.indexOf("3. shdump --obj " + address + " --file ");
        final int heap = out.indexOf("4. shdump heap --addr " + address + " --bytes 40 --heap-file ");
        final int what = out.indexOf("What happened");
        assertTrue(check >= 0 && show > check && heap > show && what > heap, "steps 2 to 4 in order\n" + run.all());
        // One bug in the whole file, on the crashed connection; the other lines are the crash's leaks and the crash
        // itself: the use after free the heap caught on the connection's chunk.
        final List<String> caught = out.substring(check, show).lines().filter(l -> l.startsWith("CAUGHT_BY_LIBRARY"))
            .toList();
        assertEquals(1, caught.size(), "the heap's catch, the crash\n" + run.all());
        assertTrue(caught.get(0).matches("CAUGHT_BY_LIBRARY +shm +" + address + " .*SHM_USE_AFTER_FREE .*"),
            caught.get(0));
        final List<String> anomalies = out.substring(check, show).lines()
            .filter(l -> l.matches("[A-Z_]+ {2}.*") && !l.startsWith("ANOMALY") && !l.startsWith("LEAK_AT_DEATH") &&
                !l.startsWith("CAUGHT_BY_LIBRARY"))
            .toList();
        assertEquals(1, anomalies.size(), "one bug, none elsewhere\n" + run.all());
        assertTrue(anomalies.get(0).startsWith("REF_FROM_ZERO") && anomalies.get(0).contains(address),
            anomalies.get(0));
        final Matcher cause = Pattern.compile("cause: (tcpworker-\\d) \\(pid (\\d+)\\) released (\\d+) references " +
            "where it held (\\d+) \\(#(\\d+) is one too many\\)").matcher(anomalies.get(0));
        assertTrue(cause.find(), "the audit names the worker process\n" + anomalies.get(0));
        final String worker = cause.group(1);
        final long culpritPid = Long.parseLong(cause.group(2));
        assertEquals(Integer.parseInt(cause.group(3)) - 1, Integer.parseInt(cause.group(4)), cause.group());
        final int extra = Integer.parseInt(cause.group(5));
        assertTrue(workers.contains(culpritPid), "the culprit is a worker's pid: " + culpritPid + "\n" + out);
        assertNotEquals(mainPid, culpritPid, "not tcp-main's");
        assertTrue(out.contains("| " + worker + ": pid " + culpritPid + ","), "that worker is that pid\n" + out);

        // Its history: the worker's two unrefs for one hand-off, its DESTROY, then tcp-main's use.
        final List<List<String>> rows = new ArrayList<>();
        for (final String line : out.substring(show, heap).split("\n"))
        {
            final Matcher m = PID_ROW.matcher(line);
            if (m.matches())
            {
                rows.add(List.of(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5).trim()));
            }
        }
        final int at = rows.stream().map(r -> r.get(0)).toList().indexOf(Integer.toString(extra));
        assertTrue(at > 1 && at + 2 < rows.size(), "the extra unref is shown, with what follows it\n" + out);
        assertEquals(List.of(Integer.toString(extra), Long.toString(culpritPid), worker, "TCP_UNREF",
            "tcpworker async write, (0)"), rows.get(at));
        assertEquals("tcpworker async write, (1)", rows.get(at - 1).get(4), out);
        assertEquals(List.of(Long.toString(culpritPid), "TCP_DESTROY"), List.of(rows.get(at + 1).get(1),
            rows.get(at + 1).get(3)));
        final List<String> use = rows.get(at + 2);
        assertEquals(List.of(Long.toString(mainPid), "tcp-main", "TCP_REF"), use.subList(1, 4), out);
        assertTrue(out.substring(show, heap).contains("SHM_USE_AFTER_FREE"), "the heap logged the checked access\n" +
            out);

        // The chunk, as the heap file has it.
        final String chunk = out.substring(heap, what);
        assertTrue(chunk.contains("state         quarantined"), chunk);
        assertTrue(chunk.contains("freed by      pid " + culpritPid), chunk);
        // The explanation quotes the audit's own line.
        final String explained = flat.substring(flat.indexOf("What happened"));
        assertTrue(explained.contains("The audit's culprit line: REF_FROM_ZERO at #" + use.get(0) + " (pid " + mainPid +
            " tcp-main TCP_REF"), explained);
        assertTrue(explained.contains(cause.group().substring("cause: ".length())), explained);
        assertTrue(explained.contains("the heap shows the chunk quarantined, freed by pid " + culpritPid), explained);

        // Real processes: four writers in the history file, tcp-main and the three workers.
        try (HistoryReader reader = HistoryReader.open(dir.resolve("tcp.hist")))
        {
            final Set<Long> writers = reader.writers().stream().map(WriterInfo::pid).collect(Collectors.toSet());
            final Set<Long> expected = new HashSet<>(workers);
            expected.add(mainPid);
            assertEquals(expected, writers, "the history's writers are the four processes");
            assertFalse(writers.contains(ProcessHandle.current().pid()), "the demo itself writes no history");
        }
        assertTrue(out.contains("./shdump heap --addr " + address + " --heap-file " + dir.resolve("tcp.heap")), out);
        assertVictimPage(out, dir.resolve("victim.html"), address);
        return new Story(Integer.parseInt(connection.group(1)), address, worker, extra);
    }

    @Test
    void processesFindTheCulpritForSeveralSeedsAndTellTheSameStoryEveryRun() throws Exception
    {
        final List<Story> stories = new ArrayList<>();
        for (final String seed : List.of("1", "2", "7"))
        {
            final Path keep = dir.resolve("seed" + seed);
            stories.add(assertProcessCulpritFound(shdump("--no-color", "demo", "--seed", seed, "--keep",
                keep.toString()), keep));
        }
        assertEquals(3, stories.stream().map(Story::connection).distinct().count(), "each seed its own: " + stories);

        // Seed 1 again, in the same directory: the same story, and the old files replaced, not attached to.
        final Path keep = dir.resolve("seed1");
        final Run check = shdump("--no-color", "--file", keep.resolve("tcp.hist").toString(), "check");
        assertEquals(1, check.code(), check.all());
        final Run again = shdump("--no-color", "demo", "--seed", "1", "--keep", keep.toString());
        assertEquals(stories.get(0), assertProcessCulpritFound(again, keep), "the same seed, the same story\n" +
            again.out());
        final Run recheck = shdump("--no-color", "--file", keep.resolve("tcp.hist").toString(), "check");
        assertEquals(summary(check), summary(recheck));
    }

    @Test
    void withoutKeepTheFilesGoAndTheReRunIsPrinted()
    {
        final Run run = shdump("--no-color", "demo");
        assertEquals(0, run.code(), run.all());
        assertTrue(run.out().contains("./shdump demo --seed 1 --keep demo"), run.out());
        final Matcher file = Pattern.compile("2\\. shdump check --file (\\S+)/tcp\\.hist").matcher(run.out());
        assertTrue(file.find(), run.out());
        assertFalse(Files.exists(Path.of(file.group(1))), "the temporary directory is removed: " + file.group(1));
        final Matcher page = Pattern.compile("offline:\\s+(\\S+victim\\.html)").matcher(run.out());
        assertTrue(page.find(), "the victim's page outlives the demo's files: " + run.out());
        final Path pageFile = Path.of(page.group(1));
        try
        {
            assertTrue(Files.isRegularFile(pageFile), pageFile.toString());
        }
        finally
        {
            pageFile.toFile().delete();
            pageFile.getParent().toFile().delete();
        }
    }

    /** The demo's last step: the victim's life as a page, with its address and the audit's finding drawn. */
    private static void assertVictimPage(final String out, final Path page, final String address)
    {
        assertTrue(out.contains(page.toString()), "the demo says where its page is: " + out);
        final String html;
        try
        {
            html = Files.readString(page);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError("no page at " + page + "\n" + out, ex);
        }
        assertTrue(html.contains("<svg") && html.contains(address), "the page draws the victim " + address);
        assertTrue(html.contains("REF_FROM_ZERO") || html.contains("USE_AFTER_DESTROY"),
            "the page lists the audit's finding");
    }

    @Test
    void benchServesEveryConnectionInEachConfiguration()
    {
        final Run run = shdump("--no-color", "demo", "--bench", "30", "--warmup", "20");
        assertEquals(0, run.code(), run.all());
        assertTrue(run.out().contains("each run serves 20 connections to warm up (not counted), then measures 30"),
            run.out());
        for (final String config : List.of("history off", "history on, exact clock", "history on, coarse clock"))
        {
            assertEquals(5, run.out().lines().filter(l -> l.matches("  round \\d  " + Pattern.quote(config) +
                " +\\d+ connections/s")).count(), config + "\n" + run.out());
            assertEquals(1, run.out().lines().filter(l -> l.matches("  " + Pattern.quote(config) +
                " +\\d+ connections/s  \\(runs \\d+ to \\d+.*\\)")).count(), config + "\n" + run.out());
        }
        assertTrue(run.out().contains(" x off, per round "), run.out());
    }

    @Test
    void warmupGoesWithBenchOnly()
    {
        final Run alone = shdump("--no-color", "demo", "--warmup", "10");
        assertEquals(ExitCode.USAGE, alone.code(), alone.all());
        assertTrue(alone.err().contains("--warmup sets the warm-up of --bench"), alone.all());
        assertFalse(alone.out().contains("SIGSEGV"), "no server ran\n" + alone.all());
        final Run negative = shdump("--no-color", "demo", "--bench", "10", "--warmup", "-1");
        assertEquals(ExitCode.USAGE, negative.code(), negative.all());
        assertTrue(negative.err().contains("--warmup needs 0 to 1000000 connections, not -1"), negative.all());
    }

    /** check's last line: "N anomalies in M histories checked (...) in FILE". */
    private static String summary(final Run check)
    {
        final List<String> lines = check.out().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void keepRefusesAFileAndAHistoryFileThatIsNotOne() throws Exception
    {
        final Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "my notes\n", StandardCharsets.UTF_8);
        final Run run = shdump("--no-color", "demo", "--keep", notes.toString());
        assertEquals(ExitCode.USAGE, run.code(), run.all());
        assertTrue(run.err().contains("is not a directory"), run.all());
        assertEquals("my notes\n", Files.readString(notes, StandardCharsets.UTF_8));
        assertFalse(run.out().contains("SIGSEGV"), "no server ran\n" + run.all());

        final Run file = shdump("--no-color", "--file", dir.resolve("x.hist").toString(), "demo");
        assertEquals(ExitCode.USAGE, file.code(), file.all());
        assertTrue(file.err().contains("with --keep DIR instead of --file"), file.all());
        final Run benchAndKeep = shdump("--no-color", "demo", "--bench", "10", "--keep", dir.toString());
        assertEquals(ExitCode.USAGE, benchAndKeep.code(), benchAndKeep.all());
        assertTrue(benchAndKeep.err().contains("--bench runs the process server on its own"), benchAndKeep.all());

        final Path keep = Files.createDirectory(dir.resolve("keep"));
        Files.writeString(keep.resolve("tcp.hist"), "not a history\n", StandardCharsets.UTF_8);
        final Run notHistory = shdump("--no-color", "demo", "--keep", keep.toString());
        assertEquals(ExitCode.USAGE, notHistory.code(), notHistory.all());
        assertTrue(notHistory.err().contains("not a history file"), notHistory.all());
        assertEquals("not a history\n", Files.readString(keep.resolve("tcp.hist"), StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheDemo()
    {
        final Run help = shdump("--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("demo"), help.out());
        final Run demoHelp = shdump("help", "demo");
        assertEquals(0, demoHelp.code(), demoHelp.all());
        for (final String option : List.of("--keep", "--seed", "--threads", "--bench"))
        {
            assertTrue(demoHelp.out().contains(option), option + "\n" + demoHelp.out());
        }
    }
}
