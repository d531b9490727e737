package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.format.EventDescriptor;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Histories left by a writer process that died without closing the file ({@link DyingWriter}): an
 * object it left live is a leak at death, unless a live process used it too; a record it claimed and
 * never committed is a writer that died mid-record.
 */
class LeakAtDeathTest
{
    @TempDir
    static Path dir;

    private static Path path;
    private static long childPid;
    private static HistoryFile file;

    @BeforeAll
    static void runDyingWriter() throws Exception
    {
        path = dir.resolve("dead.hist");
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final ProcessBuilder builder = new ProcessBuilder(java,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true",
            "-cp", classPath(), DyingWriter.class.getName(), path.toString());
        builder.redirectErrorStream(true);
        builder.environment().remove(HistoryFile.FILE_ENV);
        final Process child = builder.start();
        childPid = child.pid();
        if (!child.waitFor(60, TimeUnit.SECONDS))
        {
            child.destroyForcibly();
            fail("the dying writer did not end within 60 s");
        }
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String handleLine = output.lines().filter(l -> l.startsWith("HANDLE ")).findFirst()
            .orElseGet(() -> fail("the dying writer (exit " + child.exitValue() + ") printed no handle:\n" + output));
        // This JVM, alive, logs to 0xdead3 too: it is no leak whatever happened to its creator.
        file = Histories.open(path);
        file.list(DyingWriter.LIST, DyingWriter.OPTIONS)
            .history(Long.parseUnsignedLong(handleLine.substring("HANDLE ".length()), 16))
            .log(TestVerb.SEND, "from the test JVM");
    }

    @AfterAll
    static void closeFile()
    {
        if (file != null)
        {
            file.close();
        }
    }

    /** The test classes, the library and Agrona: what the child needs, however surefire set our class path. */
    private static String classPath() throws URISyntaxException
    {
        final Set<String> entries = new LinkedHashSet<>();
        for (final Class<?> type : new Class<?>[] {DyingWriter.class, HistoryFile.class, org.agrona.DirectBuffer.class})
        {
            entries.add(Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void anObjectLiveWhenItsOnlyWriterDiedIsALeak()
    {
        final Cli.Result result = Cli.on(path, "check").exits(ExitCode.FOUND).errEmpty();
        final List<String> rows = result.lines().subList(1, result.lines().size() - 1);
        assertEquals(1, rows.size(), result.describe());
        final List<String> cells = List.of(rows.get(0).split(" {2,}"));
        // ANOMALY LIST ADDRESS GEN # TIME PID THREAD VERB DETAIL: shown at its last event.
        assertEquals(List.of("LEAK_AT_DEATH", "conn", "0xdead0", "1", "1"), cells.subList(0, 5));
        assertEquals(List.of(String.valueOf(childPid), "SEND",
            "still live, and every process that used it is dead (leak at death): created by pid " +
            childPid + " [send 6]"),
            List.of(cells.get(6), cells.get(8), cells.get(9)));
        result.outContains("1 anomalies in 4 histories checked (1 with anomalies)");
    }

    @Test
    void objectsShowTheLeakAndLiveIncludesIt()
    {
        final Cli.Result objects = Cli.on(path, "objects").exits(ExitCode.OK);
        assertEquals(List.of("0xdead0", "1", "conn", "leaked", "2", "1"),
            List.of(objects.linesWith("0xdead0 ").get(0).split(" {2,}")).subList(0, 6));
        assertTrue(objects.linesWith("0xdead0 ").get(0).endsWith("  LEAK"), objects.describe());
        assertEquals("destroyed", objects.linesWith("0xdead1 ").get(0).split(" {2,}")[3]);
        assertEquals("unref", objects.linesWith("0xdead2 ").get(0).split(" {2,}")[3]);
        assertEquals("live", objects.linesWith("0xdead3 ").get(0).split(" {2,}")[3]);
        final Cli.Result live = Cli.on(path, "objects", "--live").exits(ExitCode.OK);
        assertEquals(List.of("0xdead0", "0xdead3"),
            live.lines().stream().skip(1).map(l -> l.split(" ")[0]).toList(), live.describe());
        Cli.on(path, "--obj", "0xdead0").exits(ExitCode.OK).outContains("  leaked  events 2")
            .outContains("! LEAK_AT_DEATH  #1  still live, and every process that used it is dead (leak at death) " +
                "(created by pid " + childPid + ")");
    }

    @Test
    void infoShowsTheWriterDead()
    {
        final Cli.Result info = Cli.on(path, "info").exits(ExitCode.OK);
        final String row = info.linesWith("  " + childPid + "  ").get(0);
        assertTrue(row.endsWith("  dead (did not detach: crashed or killed)"), info.describe());
        assertTrue(Cli.on(path, "info", "--json").exits(ExitCode.OK).out()
            .contains("{\"type\":\"writer\",\"pid\":" + childPid + ","), "writer in JSON");
    }

    @Test
    void aRecordTheDeadWriterClaimedAndNeverCommitted() throws Exception
    {
        final Path copy = dir.resolve("dead-mid-record.hist");
        Files.copy(path, copy);
        // The stamp is written last: a writer that died before it leaves the rest of the record.
        Histories.patch(copy, Histories.recordOffset(Histories.incarnation(copy, 0xdead0), 1) +
            EventDescriptor.STAMP_OFFSET, 0, 8);
        final Cli.Result check = Cli.on(copy, "check").exits(ExitCode.FOUND);
        assertEquals(2, check.linesWith("0xdead0").size(), check.describe());
        final String died = check.linesWith("WRITER_DIED_MID_RECORD").get(0);
        assertTrue(died.endsWith("a writer died mid-record: writer " + childPid + " died mid-record"),
            check.describe());
        check.outContains("LEAK_AT_DEATH");
        Cli.on(copy, "--obj", "0xdead0").exits(ExitCode.OK).outContains("[writer " + childPid + " died mid-record]");
    }
}
