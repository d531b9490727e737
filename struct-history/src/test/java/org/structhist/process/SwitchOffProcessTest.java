package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.testsupport.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 6 (off means off) in a JVM started the way production starts by default: without
 * {@code -Dstructhist=true}. Opening, pushing, logging and unref must work, return no-op histories and
 * create no file, not even the one {@code -Dstructhist.file} names.
 */
class SwitchOffProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void withoutTheSwitchNothingIsCreatedAndPushIsNoop() throws IOException
    {
        final Path path = dir.resolve("off.hist");
        try (ChildJvm child = ChildJvm.of(SwitchOffChild.class).switchedOff()
            .property(HistoryFile.FILE_PROPERTY, path.toString())
            .args(path)
            .start())
        {
            final int exit = child.awaitExit(ChildJvm.EXIT_TIMEOUT);
            assertEquals(0, exit, child::describe);
            assertEquals(1, child.linesStartingWith("PUSH_RETURNED_NOOP").size(), child::describe);
            assertFalse(String.join(" ", child.lines()).contains("PROBLEM"), child::describe);
            assertFalse(child.describe().contains("-Dstructhist=true"), "the child was started with the switch on");
        }
        assertFalse(Files.exists(path), path + " was created with struct history off");
        try (Stream<Path> left = Files.list(dir))
        {
            assertTrue(left.findAny().isEmpty(), "nothing at all is created in " + dir);
        }
    }
}
