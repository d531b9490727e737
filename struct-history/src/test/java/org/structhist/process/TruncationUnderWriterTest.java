package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A history file truncated under a live writer (issue 10, docs/DESIGN.md "A file truncated under a live
 * writer"), with a real child JVM and a real truncation. The writer never hangs; if the ticker notices
 * the cut before the writer touches a page past the new end, the writer detaches and its writes become
 * counted no-ops; otherwise the JVM raises SIGBUS, the outcome that remains (printed for the report).
 */
class TruncationUnderWriterTest
{
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static void cut(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(4096); // only the header is left: every list and table is past the end
        }
    }

    @Test
    @Timeout(120)
    void aWriterThatIsIdleWhenItsFileIsCutDetachesAndCountsItsWrites() throws IOException
    {
        final Path path = dir.resolve("idle.hist");
        try (ChildJvm child = ChildJvm.of(TruncatedFileChild.class).args("idle", path).start())
        {
            child.awaitLine("READY", ChildJvm.STARTUP_TIMEOUT);
            cut(path);
            final int exit = child.awaitExit(BOUND);
            assertEquals(0, exit, child::describe);
            // 1000 pushes and 1000 logs refused (unref of the null handle is a user's no-op, not counted).
            assertEquals(1, child.linesStartingWith("SURVIVED refused=2000 detached=true").size(), child::describe);
        }
    }

    @Test
    @Timeout(120)
    void aWriterBusyWhenItsFileIsCutNeverHangs() throws IOException
    {
        final Path path = dir.resolve("busy.hist");
        try (ChildJvm child = ChildJvm.of(TruncatedFileChild.class).args("busy", path).start())
        {
            child.awaitLine("READY", ChildJvm.STARTUP_TIMEOUT);
            cut(path);
            final int exit = child.awaitExit(BOUND); // fails the test if the child is still running
            final String outcome = exit == 0 ? child.linesStartingWith("OUTCOME").toString() :
                "killed, exit value " + exit +
                (exit == 128 + 7 ? " (SIGBUS)" : exit == 134 ? " (SIGABRT: JVM crash)" : "");
            System.out.println("TruncationUnderWriterTest busy writer outcome: " + outcome);
            // The fault a store past the end raises in a writer thread is an InternalError, which the list
            // turns into a detach: the writer threads end by seeing isDetached(), with no error.
            assertEquals(0, exit, child::describe);
            assertEquals(1, child.linesStartingWith("OUTCOME detached=true ").size(), child::describe);
            assertTrue(child.linesStartingWith("OUTCOME").get(0).endsWith("errors="), child::describe);
        }
    }
}
