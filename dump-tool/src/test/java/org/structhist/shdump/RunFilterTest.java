package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.WriterInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --pid} and {@code --run} on check, objects and export: one run of several that share a file. */
class RunFilterTest
{
    @TempDir
    static Path dir;

    private static Path path;
    private static final List<Long> PIDS = new ArrayList<>();

    @BeforeAll
    static void twoRunsOnOneFile() throws Exception
    {
        path = dir.resolve("runs.hist");
        for (int run = 0; run < 2; run++)
        {
            try (Child child = Child.start(RunWriter.class, path))
            {
                child.awaitLine("DONE", Duration.ofSeconds(60));
                assertEquals(0, child.awaitExit(Duration.ofSeconds(60)));
                PIDS.add(child.pid());
            }
        }
    }

    @Test
    void checkWithAPidReportsThatProcessesAnomaliesOnly()
    {
        final Cli.Result all = Cli.on(path, "check", "--json").exits(ExitCode.FOUND);
        assertEquals(2, all.linesWith("\"kind\":\"REFCOUNT_BELOW_ZERO\"").size(), all.describe());
        final Cli.Result one =
            Cli.on(path, "check", "--json", "--pid", String.valueOf(PIDS.get(1))).exits(ExitCode.FOUND);
        final List<String> anomalies = one.linesWith("\"kind\":\"REFCOUNT_BELOW_ZERO\"");
        assertEquals(1, anomalies.size(), one.describe());
        assertTrue(anomalies.get(0).contains("\"pid\":" + PIDS.get(1) + ","), one.describe());
        assertTrue(one.out().contains("\"histories\":1,"), one.describe());
    }

    @Test
    void objectsAndExportWithARunStartTime()
    {
        final WriterInfo second;
        try (HistoryReader reader = HistoryReader.open(path))
        {
            second = reader.writer(PIDS.get(1)).orElseThrow();
        }
        final String started = Instant.ofEpochMilli(second.processStartMillis()).toString();
        final Cli.Result objects = Cli.on(path, "objects", "--json", "--run", started).exits(ExitCode.OK);
        final List<String> incarnations = objects.linesWith("\"type\":\"incarnation\"");
        assertEquals(1, incarnations.size(), objects.describe());
        assertTrue(incarnations.get(0).contains("\"creatorPid\":" + PIDS.get(1) + ","), objects.describe());
        final Cli.Result export =
            Cli.on(path, "export", "--format", "json", "-o", "-", "--pid", String.valueOf(PIDS.get(0)))
            .exits(ExitCode.OK);
        assertTrue(export.out().contains("run of pid " + PIDS.get(0)), export.describe());
        assertFalse(export.out().contains("run of pid " + PIDS.get(1)), export.describe());
    }

    @Test
    void aRunNoWriterStartedAtIsOneSentence()
    {
        final Cli.Result result = Cli.on(path, "objects", "--run", "2001-01-01T00:00:00Z").exits(ExitCode.USAGE);
        assertTrue(result.err().startsWith("shdump: no writer of "), result.describe());
    }
}
