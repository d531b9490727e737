package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A JVM started without Agrona's flag gets an exception it can catch, naming the flag, not an Error. */
class MissingFlagProcessTest
{
    @TempDir
    Path dir;

    @Test
    void openingAFileWithoutTheFlagThrowsAStructHistoryExceptionNamingIt()
    {
        final Path path = dir.resolve("noflag.hist");
        try (ChildJvm child = ChildJvm.of(NoFlagChild.class).withoutAgronaFlags().args(path).start())
        {
            final String line = child.awaitLine("", ChildJvm.STARTUP_TIMEOUT);
            assertEquals("CAUGHT StructHistoryException: struct history is on (-Dstructhist=true) but this JVM was " +
                "started without the flag it needs: add --add-exports java.base/jdk.internal.misc=ALL-UNNAMED to " +
                "the java command line", line);
            assertEquals(0, child.awaitExit(ChildJvm.EXIT_TIMEOUT));
        }
        assertFalse(Files.exists(path), "refused before any file is made");
    }
}
