package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stale-handle twins, told apart: an object handed to a holder in another process is pushed out of a
 * window too small for it, and the holder drops it through its stale handle. The rightful last unref is
 * information about the window (exit 0); one unref too many is the evicted object's own bug, named by its
 * push number, because the file keeps the object's net when it left the window.
 */
class StaleHandleTwinsTest
{
    static final String LIST = "conn";
    static final ListOptions OPTIONS = ListOptions.window(2).eventsPerObject(8);

    @TempDir
    Path dir;

    @Test
    void theHoldersLastUnrefThroughAStaleHandleIsInformationOnly() throws Exception
    {
        final Path path = dir.resolve("twin.hist");
        holdOutOfTheWindow(path, 1);
        final Cli.Result result = Cli.on(path, "check").exits(ExitCode.OK).errEmpty();
        final List<String> rows = result.lines().subList(1, result.lines().size() - 1);
        assertEquals(1, rows.size(), result.describe());
        assertTrue(rows.get(0).matches("STALE_HANDLE_EVENTS +conn +push #0 .*2 events through handles of push #0 " +
            "after it left the window \\(net -1 on its count\\).*"), result.describe());
    }

    @Test
    void anExtraUnrefThroughAStaleHandleIsTheEvictedObjectsBug() throws Exception
    {
        final Path path = dir.resolve("bug.hist");
        holdOutOfTheWindow(path, 2);
        final Cli.Result result = Cli.on(path, "check").exits(ExitCode.FOUND).errEmpty();
        final List<String> below = result.lines().stream().filter(l -> l.startsWith("REFCOUNT_BELOW_ZERO")).toList();
        assertEquals(1, below.size(), result.describe());
        assertTrue(below.get(0).matches("REFCOUNT_BELOW_ZERO +conn +push #0 .*refcount -1 after its stale-handle " +
            "events.*an UNREF through a stale handle of push #0 released a reference nobody held: its count was 1 " +
            "when it left the window, and -2 came after.*"), result.describe());
        assertTrue(result.lines().stream().anyMatch(l -> l.startsWith("STALE_HANDLE_EVENTS ")), result.describe());
        Cli.on(path, "check", "--json").exits(ExitCode.FOUND).outContains("\"kind\":\"REFCOUNT_BELOW_ZERO\"")
            .outContains("\"push\":0");
    }

    /**
     * Push #0 (0xa00): created (+1), a reference handed to the holder (+1), the creator's dropped (-1): net 1,
     * the holder's. Pushes #1 and #2 (clean lives) push it out of the window of 2. Then the holder, another
     * process, logs {@code holderUnrefs} UNREFs and a DESTROY through push #0's handle.
     */
    private static void holdOutOfTheWindow(final Path path, final int holderUnrefs) throws Exception
    {
        final HistoryFile file = Histories.open(path);
        try
        {
            final HistoryList conn = file.list(LIST, OPTIONS);
            final History held = conn.push(0xa00);
            held.log(TestVerb.REF, "accept");
            held.log(TestVerb.REF, "hand to holder");
            held.log(TestVerb.UNREF, "creator done");
            for (int i = 1; i <= 2; i++)
            {
                final History clean = conn.push(0xa00 + i);
                clean.log(TestVerb.REF, "accept");
                clean.log(TestVerb.UNREF, "close");
                clean.log(TestVerb.DESTROY, "free");
            }
            final String handle = Long.toHexString(held.handle());
            try (Child holder = Child.start(StaleHolderChild.class, path, handle, holderUnrefs))
            {
                holder.awaitLine("DONE", Duration.ofSeconds(60));
                assertEquals(0, holder.awaitExit(Duration.ofSeconds(60)), holder.describe());
            }
        }
        finally
        {
            file.close();
        }
    }
}
