package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.WriterInfo;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Only a crash or a kill leaves a writer attached with its process gone: a normal exit detaches. */
class CleanExitProcessTest
{
    @TempDir
    Path dir;

    @Test
    void aProcessThatExitsNormallyWithoutCloseIsDetached()
    {
        final Path path = dir.resolve("exit.hist");
        final long pid;
        try (ChildJvm child = ChildJvm.of(ExitChild.class).args(path, "exit").start())
        {
            child.awaitLine("OPEN", ChildJvm.STARTUP_TIMEOUT);
            pid = child.pid();
            assertEquals(0, child.awaitExit(ChildJvm.EXIT_TIMEOUT));
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            final WriterInfo writer = reader.writer(pid).orElseThrow();
            assertTrue(writer.detached(), "a normal exit detaches: " + writer);
            assertFalse(writer.alive());
        }
    }

    @Test
    void aProcessKilledWithSigkillStaysAttached()
    {
        final Path path = dir.resolve("kill.hist");
        final long pid;
        try (ChildJvm child = ChildJvm.of(ExitChild.class).args(path, "wait").start())
        {
            child.awaitLine("OPEN", ChildJvm.STARTUP_TIMEOUT);
            pid = child.pid();
            child.killHard();
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            final WriterInfo writer = reader.writer(pid).orElseThrow();
            assertFalse(writer.detached(), "kill -9 runs no hook: " + writer);
            assertFalse(writer.alive());
        }
    }
}
