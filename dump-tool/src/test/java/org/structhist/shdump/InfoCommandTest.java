package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.ClockMode;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code shdump info}: the file, its lists with their counts, its writers, as text and as JSON lines. */
class InfoCommandTest
{
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    /**
     * List "small" (window 2, 4 events each, 1 pinned): 5 pushes, so 3 pushed out; the last object has 7
     * events, 3 of them dropped; one event through a stale handle. List "plain": coarse clock, no
     * checksums, stacks, 128-byte records, nothing pushed.
     */
    private Path writeFile()
    {
        final Path path = dir.resolve("info.hist");
        final HistoryFile file = Histories.open(path);
        final HistoryList small = file.list("small", ListOptions.window(2).eventsPerObject(4).pinnedFirst(1));
        file.list("plain", ListOptions.window(16).eventsPerObject(8).clock(ClockMode.COARSE).checksums(false)
            .stacks(true).entrySize(128));
        History first = null;
        History last = null;
        for (int i = 0; i < 5; i++)
        {
            last = small.push(0x100 + i);
            first = first == null ? last : first;
            last.log(TestVerb.REF, "ref %d", i);
        }
        for (int i = 0; i < 6; i++)
        {
            last.log(TestVerb.SEND, "send %d", i);
        }
        first.log(TestVerb.SEND, "stale");
        file.close();
        return path;
    }

    @Test
    void textShowsTheFileItsListsAndWriters()
    {
        final Path path = writeFile();
        final Cli.Result result = Cli.on(path, "info").exits(ExitCode.OK).errEmpty();
        final List<String> lines = result.lines();
        assertEquals(path.toString(), lines.get(0));
        assertTrue(lines.get(1)
            .matches("  format version 2, " + Histories.FILE_BYTES + " bytes, created by pid " + PID +
            " at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} UTC"), lines.get(1));
        assertTrue(lines.get(2).matches("  strings: \\d+ of \\d+ bytes used; threads named: 1"), lines.get(2));
        // LIST WINDOW IN-USE PUSHED PUSHED-OUT EVENTS/OBJ KEPT DROPPED STALE OPTIONS
        final List<String> small = words(result.linesWith("  small ").get(0));
        // The window holds 0x103 (1 event) and 0x104 (4 of its 7 kept, 3 dropped); 0x100's stale log counts once.
        assertEquals(List.of("small", "2", "2", "5", "3", "4", "5", "3", "1"), small.subList(0, 9));
        assertTrue(result.linesWith("  small ").get(0)
            .endsWith("exact clock, checksums, 1 first kept, 64-byte records"),
            result.describe());
        final List<String> plain = words(result.linesWith("  plain ").get(0));
        assertEquals(List.of("plain", "16", "0", "0", "0", "8", "0", "0", "0"), plain.subList(0, 9));
        assertTrue(result.linesWith("  plain ").get(0)
            .endsWith("coarse clock, no checksums, stacks, 7 first kept, 128-byte records"), result.describe());
        final String writer = result.linesWith(" " + PID + "  ").get(0);
        assertTrue(writer.endsWith("alive, detached"), () -> "closed cleanly, still running" + result.describe());
    }

    @Test
    void aWriterThatHasNotClosedIsAlive()
    {
        final Path path = dir.resolve("open.hist");
        final HistoryFile file = Histories.open(path);
        try
        {
            file.list("l", ListOptions.window(4)).push(1).log(TestVerb.REF, "r");
            final Cli.Result result = Cli.on(path, "info").exits(ExitCode.OK);
            assertTrue(result.linesWith(" " + PID + "  ").get(0).endsWith("  alive"), result.describe());
        }
        finally
        {
            file.close();
        }
    }

    @Test
    void anEmptyFileHasNoLists()
    {
        final Path path = dir.resolve("empty.hist");
        Histories.open(path).close();
        final Cli.Result result = Cli.on(path, "info").exits(ExitCode.OK);
        final List<String> lines = result.lines();
        assertEquals("  (none)", lines.get(lines.indexOf("lists") + 1), result.describe());
    }

    @Test
    void jsonIsOneFileThenOneLinePerListAndWriter()
    {
        final Path path = writeFile();
        final Cli.Result result = Cli.on(path, "info", "--json").exits(ExitCode.OK).errEmpty();
        final List<String> lines = result.lines();
        assertEquals(4, lines.size(), result.describe());
        assertTrue(lines.get(0)
            .startsWith("{\"type\":\"file\",\"path\":\"" + path + "\",\"formatVersion\":2,\"bytes\":" +
            Histories.FILE_BYTES + ",\"creatorPid\":" + PID + ",\"clockBase\":\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"threadsRegistered\":1,"), lines.get(0));
        assertEquals("{\"type\":\"list\",\"name\":\"small\",\"index\":0,\"window\":2,\"inUse\":2," +
            "\"pushed\":5,\"pushedOut\":3," +
            "\"eventsPerObject\":4,\"pinnedFirst\":1,\"entrySize\":64,\"eventsKept\":5,\"eventsDropped\":3," +
            "\"staleEventsDropped\":1,\"eventsRefused\":0,\"foreignHandleClaims\":0,\"staleEventsUnattributed\":0," +
            "\"coarseClock\":false,\"checksums\":true,\"stacks\":false," +
            "\"problem\":null}", lines.get(1));
        assertTrue(lines.get(2)
            .startsWith("{\"type\":\"list\",\"name\":\"plain\",\"index\":1,\"window\":16,"), lines.get(2));
        assertTrue(lines.get(2).endsWith("\"coarseClock\":true,\"checksums\":false,\"stacks\":true,\"problem\":null}"),
            lines.get(2));
        assertTrue(lines.get(3).matches("\\{\"type\":\"writer\",\"pid\":" + PID + ",\"started\":\"[^\"]+\"," +
            "\"heartbeat\":\"[^\"]+\",\"alive\":true,\"detached\":true}"), lines.get(3));
    }

    private static List<String> words(final String line)
    {
        return List.of(line.strip().split("\\s+"));
    }
}
