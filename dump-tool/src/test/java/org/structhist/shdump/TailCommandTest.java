package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code shdump tail} run as a user runs it, on a file written by this process: options, filters, output. */
class TailCommandTest
{
    private static final long A1 = 0x7f0000000a01L;
    private static final long A2 = 0x7f0000000a02L;
    private static final long B1 = 0x7f0000000b01L;

    @TempDir
    Path dir;

    private Path path;
    private final Captured out = new Captured();
    private final Captured err = new Captured();

    /** Two lists: "alpha" with two objects, "beta" with one, a few events each, written and closed. */
    @BeforeEach
    void writeFile()
    {
        path = dir.resolve("tail.hist");
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(2L << 20)))
        {
            final HistoryList alpha = file.list("alpha", ListOptions.window(8).eventsPerObject(16));
            final HistoryList beta = file.list("beta", ListOptions.window(8).eventsPerObject(16));
            final History a1 = alpha.push(A1);
            final History a2 = alpha.push(A2);
            final History b1 = beta.push(B1);
            a1.log(TestVerb.REF, "a1 ref (%d)", 1);
            a2.log(TestVerb.REF, "a2 ref (%d)", 1);
            b1.log(TestVerb.REF, "b1 ref (%d)", 1);
            a1.log(TestVerb.USE, "a1 says \"%s\"", "hi\tthere");
            b1.log(TestVerb.UNREF, "b1 unref (%d)", 0);
            a1.log(TestVerb.UNREF, "a1 unref (%d)", 0);
        }
    }

    private int tail(final String... args)
    {
        final String[] all = new String[args.length + 4];
        all[0] = "--file";
        all[1] = path.toString();
        all[2] = "--no-color";
        all[3] = "tail";
        System.arraycopy(args, 0, all, 4, args.length);
        return Shdump.run(out.writer, err.writer, all);
    }

    @Test
    void startsFromNowByDefault()
    {
        assertEquals(0, tail("--exit-after", "0.2", "--interval", "20"), err.text());
        assertEquals(List.of(), out.lines(), "nothing was committed after tail started");
        assertTrue(err.text().startsWith("shdump: following " + path), err.text());
    }

    @Test
    void fromStartPrintsEveryEventKeptInTimeOrder()
    {
        assertEquals(0, tail("--from-start", "--exit-after", "0.2"), err.text());
        final List<String> lines = out.lines();
        assertEquals(6, lines.size(), out.text());
        assertTrue(lines.get(0).matches("alpha  0x7f0000000a01  gen 1  #0 +\\d\\d:\\d\\d:.*"), lines.get(0));
        assertTrue(lines.get(0).endsWith("REF  a1 ref (1)"), lines.get(0));
        assertTrue(lines.get(1).contains("a2 ref (1)"), lines.get(1));
        assertTrue(lines.get(2).matches("beta   0x7f0000000b01  gen 1  #0 +\\d\\d:\\d\\d:.*"), lines.get(2));
        assertTrue(lines.get(3).contains("#1") && lines.get(3).endsWith("a1 says \"hi\tthere\""), lines.get(3));
        assertTrue(lines.get(4).contains("b1 unref (0)"), lines.get(4));
        assertTrue(lines.get(5).contains("#2") && lines.get(5).contains("a1 unref (0)"), lines.get(5));
        for (final String line : lines)
        {
            assertTrue(line.matches(".*  pid " + ProcessHandle.current().pid() + " +" +
                Thread.currentThread().getName() + "  .*"),
                line);
        }
    }

    @Test
    void followsOnlyTheListAndObjectAskedFor()
    {
        assertEquals(0, tail("--from-start", "--list", "beta", "--exit-after", "0.2"), err.text());
        assertEquals(2, out.lines().size(), out.text());
        assertTrue(out.lines().stream()
            .allMatch(l -> l.startsWith("beta ") && l.contains("0x7f0000000b01")), out.text());

        final Captured objOut = new Captured();
        assertEquals(0, Shdump.run(objOut.writer, err.writer, "--file", path.toString(), "tail", "--from-start",
            "--obj", "0x7f0000000a01", "--exit-after", "0.2"), err.text());
        assertEquals(3, objOut.lines().size(), objOut.text());
        assertTrue(objOut.lines().stream().allMatch(l -> l.contains("0x7f0000000a01  ")), objOut.text());

        final Captured noneOut = new Captured();
        assertEquals(0, Shdump.run(noneOut.writer, err.writer, "--file", path.toString(), "tail", "--from-start",
            "--list", "beta", "--obj", String.valueOf(A1), "--exit-after", "0.2"), err.text());
        assertEquals(List.of(), noneOut.lines(), "a1 is not in beta");
    }

    @Test
    void waitsForAListThatDoesNotExistYetAndSaysSo()
    {
        assertEquals(0, tail("--list", "gamma", "--exit-after", "0.2"), err.text());
        assertEquals(List.of(), out.lines());
        assertTrue(err.text().contains("no list 'gamma' in " + path + " yet: waiting for it"), err.text());
    }

    @Test
    void jsonLinesParseAndCarryTheEventFields()
    {
        assertEquals(0, tail("--from-start", "--json", "--exit-after", "0.2"), err.text());
        assertEquals(6, out.lines().size(), out.text());
        for (final String line : out.lines())
        {
            final Map<String, Object> event = StrictJson.object(line);
            assertEquals("event", event.get("type"), line);
            assertEquals("VALID", event.get("status"), line);
            for (final String field : List.of("list", "address", "generation", "position", "time", "timeNanos", "pid",
                "thread", "verb", "message", "refs"))
            {
                assertTrue(event.containsKey(field), field + " missing: " + line);
            }
        }
        final Map<String, Object> says = StrictJson.object(out.lines().get(3));
        assertEquals("a1 says \"hi\tthere\"", says.get("message"));
        assertEquals(1L, ((Number)says.get("refs")).longValue(), "running refcount from the object's birth");
        assertEquals("0x7f0000000a01", says.get("address"));
    }

    @Test
    void aMissingFileIsExitCodeThreeWithOneSentence()
    {
        path = dir.resolve("nothing-here.hist");
        assertEquals(ExitCode.BAD_FILE, tail("--exit-after", "5"));
        assertEquals(List.of(), out.lines());
        assertEquals(1, err.lines().size(), err.text());
        assertTrue(err.text().startsWith("shdump: " + path + " does not exist"), err.text());
    }

    @Test
    void refusesAnIntervalOrDurationOutOfRange()
    {
        assertEquals(ExitCode.USAGE, tail("--interval", "0"));
        assertEquals(ExitCode.USAGE, tail("--exit-after", "-1"));
        assertEquals(ExitCode.USAGE, tail("--exit-after", "NaN"));
        assertEquals(ExitCode.USAGE, tail("--interval", "soon"));
    }
}
