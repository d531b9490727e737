package org.structhist.shdump;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shdump demo} end to end, in process: it starts the crashing server in a child JVM on the
 * surefire class path, then runs check and show on the file left behind. What a user must see: the
 * crashed connection named, DESTROY_WITH_REFS on it with the worker's extra unref as its cause, and in its
 * history the TCP_DESTROY by a worker followed by tcp-main's use. Every run of a seed must tell the same story.
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
            .filter(l -> l.matches("[A-Z_]+ {2}.*") && !l.startsWith("ANOMALY") && !l.startsWith("LEAK_AT_DEATH")).toList();
        assertEquals(1, anomalies.size(), "one bug, none elsewhere\n" + run.all());
        assertTrue(anomalies.get(0).startsWith("DESTROY_WITH_REFS") && anomalies.get(0).contains(address), anomalies.get(0));
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
        final Matcher causeLine = Pattern.compile("cause: " + Pattern.quote(cause) + "(\\d+) references where it held (\\d+) " +
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
    void findsTheCulpritAndTellsTheSameStoryEveryRun()
    {
        final Run first = shdump("--no-color", "demo");
        final List<Row> firstRows = assertCulpritFound(first, null);
        final String address = culpritAddress(first);

        final Run second = shdump("--no-color", "demo");
        final List<Row> secondRows = assertCulpritFound(second, address);
        assertEquals(firstRows, secondRows, "the same events, threads, refcounts and messages\n" + first.out() +
            "\n=== second run ===\n" + second.out());
        assertTrue(first.err().isEmpty() && second.err().isEmpty(), first.err() + second.err());
    }

    @Test
    void anotherSeedAnotherCulpritAndKeepLeavesAFileShdumpReads() throws Exception
    {
        final Path file = dir.resolve("demo.hist");
        final Run seven = shdump("--no-color", "demo", "--seed", "7", "--keep", file.toString());
        assertCulpritFound(seven, null);
        final String address = culpritAddress(seven);
        assertNotEquals(culpritAddress(shdump("--no-color", "demo")), address, "seed 7 picks another connection");
        assertTrue(Files.isRegularFile(file), "--keep keeps the file");
        assertTrue(seven.out().contains("The history file stays in " + file), seven.out());

        final Run check = shdump("--no-color", "--file", file.toString(), "check");
        assertEquals(1, check.code(), check.all());
        assertTrue(check.out().lines().anyMatch(l -> l.startsWith("DESTROY_WITH_REFS") && l.contains(address)), check.out());
        final Run show = shdump("--no-color", "--file", file.toString(), "--obj", address);
        assertEquals(0, show.code(), show.all());

        // Again on the same file: the old history is replaced, not attached to (that would double the histories).
        final Run again = shdump("--no-color", "demo", "--seed", "7", "--keep", file.toString());
        assertCulpritFound(again, address);
        final Run recheck = shdump("--no-color", "--file", file.toString(), "check");
        assertEquals(summary(check), summary(recheck));
    }

    /** check's last line: "N anomalies in M histories checked (...) in FILE". */
    private static String summary(final Run check)
    {
        final List<String> lines = check.out().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void keepRefusesToOverwriteAFileThatIsNotAHistory() throws Exception
    {
        final Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "my notes\n", StandardCharsets.UTF_8);
        final Run run = shdump("--no-color", "demo", "--keep", notes.toString());
        assertEquals(ExitCode.USAGE, run.code(), run.all());
        assertTrue(run.err().contains("not a history file"), run.all());
        assertEquals("my notes\n", Files.readString(notes, StandardCharsets.UTF_8));
        assertFalse(run.out().contains("SIGSEGV"), "no server ran\n" + run.all());
    }

    @Test
    void helpListsTheDemo()
    {
        final Run help = shdump("--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("demo"), help.out());
        final Run demoHelp = shdump("help", "demo");
        assertEquals(0, demoHelp.code(), demoHelp.all());
        assertTrue(demoHelp.out().contains("--keep") && demoHelp.out().contains("--seed"), demoHelp.out());
    }
}
