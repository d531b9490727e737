package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.RefCounter;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.RefCount;
import org.structhist.alloc.RefcountException;
import org.structhist.alloc.SharedHeap;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refcount that refuses a bug where it happens (offheap-alloc's {@link RefCount}: an unref below zero is
 * refused and the count saturated) leaves no count anomaly to find, only its refusal: check flags that
 * (CAUGHT_BY_LIBRARY), and a clean twin passes. The same for the on-heap {@link RefCounter}: its refusal of a
 * ref from zero carries the count it refused, the only count anomaly-free trace of the bug.
 */
class RefusedRefcountCheckTest
{
    private static final int COUNT_OFFSET = 0;
    private static final int HISTORY_OFFSET = 8;
    private static final long STRUCT_SIZE = 48;

    @TempDir
    Path dir;

    @Test
    void anUnrefBelowZeroRefusedByRefCountIsFlaggedAndItsTwinIsNot()
    {
        final Path historyPath = dir.resolve("refused.hist");
        final HistoryFile history = Histories.open(historyPath);
        try
        {
            final HistoryList list = history.list("conn", ListOptions.window(16).eventsPerObject(16));
            // The quarantine keeps the destroyed struct's bytes (and its history handle) for the stale unref. The
            // heap logs to this test's file (without a list it would open the user's default history file).
            final SharedHeap heap = SharedHeap.open(dir.resolve("refused.heap"),
                HeapOptions.capacity(4L << 20).quarantineBytes(64 * 1024).history(history.list("shm")));
            final RefCount refs = new RefCount(heap, list, COUNT_OFFSET, HISTORY_OFFSET);
            final long twin = refs.create(STRUCT_SIZE, "created");
            refs.unref(twin, "owner done");
            Cli.on(historyPath, "check").exits(ExitCode.OK);

            final long bug = refs.create(STRUCT_SIZE, "created");
            refs.unref(bug, "owner done");
            assertThrows(RefcountException.class, () -> refs.unref(bug, "stale owner"));
            Cli.on(historyPath, "check").exits(ExitCode.FOUND)
                .outContains("CAUGHT_BY_LIBRARY  conn  " + Address.format(bug))
                .outContains("): REFCOUNT_REFUSED").outContains("stale owner");
        }
        finally
        {
            history.close();
        }
    }

    @Test
    void aRefFromZeroRefusedByRefCounterIsFlaggedNamingItsThreadAndItsTwinIsNot() throws Exception
    {
        final Path historyPath = dir.resolve("refcounter.hist");
        final HistoryFile history = Histories.open(historyPath);
        try
        {
            final HistoryList list = history.list("conn", ListOptions.window(16).eventsPerObject(16));
            final RefCounter twin = new RefCounter(list, 0x7000, "accept");
            twin.ref("send2child");
            twin.unref("tcpworker done");
            twin.unref("main done");
            Cli.on(historyPath, "check").exits(ExitCode.OK);

            final RefCounter bug = new RefCounter(list, 0x7001, "accept");
            bug.unref("main done");
            final Thread late = new Thread(() -> assertThrows(IllegalStateException.class,
                () -> bug.ref("late send2child")), "tcpworker-1");
            late.start();
            late.join();
            final List<String> flagged = Cli.on(historyPath, "check").exits(ExitCode.FOUND).lines().stream()
                .filter(line -> line.startsWith("CAUGHT_BY_LIBRARY")).toList();
            assertEquals(1, flagged.size(), String.join("\n", flagged));
            assertTrue(flagged.get(0).matches("CAUGHT_BY_LIBRARY +conn +" + Address.format(0x7001) +
                " .* tcpworker-1 +REFCOUNT_REFUSED .*tcpworker-1 tried it: \"late send2child\".*"), flagged.get(0));
        }
        finally
        {
            history.close();
        }
    }
}
