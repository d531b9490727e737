package org.structhist.shdump;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import picocli.CommandLine.ExitCode;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A count the writer logged with an event shows in REFS as {@code =N}, apart from the running refcount
 * shdump computes for events without one; JSON event lines carry it as {@code count}.
 */
class LoggedCountTest
{
    @TempDir
    Path dir;

    @Test
    void aLoggedCountIsMarkedApartFromAComputedOneInTextAndIsTheCountFieldInJson()
    {
        final Path path = dir.resolve("counts.hist");
        try (HistoryFile file = Histories.open(path))
        {
            final HistoryList conn = file.list("conn", ListOptions.window(4).eventsPerObject(8));
            final History sh = conn.push(0xc7);
            sh.log(TestVerb.REF, "connect");                // no count: computed 1
            sh.log(TestVerb.REF, 5, "ref by %d", 3);        // logged 5 (the writer's own counter)
            sh.log(TestVerb.UNREF, -1, "one unref too many");
        }
        final List<String> rows = Cli.on(path, "--obj", "0xc7").exits(ExitCode.OK).errEmpty().lines();
        final int refsEnd = rows.get(1).indexOf("REFS") + "REFS".length(); // the column is right-aligned
        // The event rows only: the audit's lines follow them (the logged -1 is a refcount below zero).
        final List<String> refs = rows.stream().skip(2).filter(l -> l.matches(" +\\d+ .*"))
            .map(l -> l.substring(0, refsEnd).trim())
            .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(List.of("1", "=5", "=-1"), refs, String.join("\n", rows));
        assertTrue(rows.contains("  ! REFCOUNT_BELOW_ZERO  #2  refcount below zero (refcount -1 logged)"),
            String.join("\n", rows));

        final List<String> json = Cli.on(path, "--obj", "0xc7", "--json").exits(ExitCode.OK).errEmpty().lines();
        assertTrue(json.get(1).endsWith(",\"refs\":1,\"stack\":null,\"count\":null}"), json.get(1));
        assertTrue(json.get(2).endsWith(",\"refs\":2,\"stack\":null,\"count\":5}"), json.get(2));
        assertTrue(json.get(3).endsWith(",\"refs\":1,\"stack\":null,\"count\":-1}"), json.get(3));
    }
}
