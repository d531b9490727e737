package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The heap needs Agrona's access even with struct history off: without the flag it refuses, naming it. */
class MissingFlagHeapTest
{
    @TempDir
    Path dir;

    @Test
    void openingAHeapWithoutTheFlagThrowsAHeapExceptionNamingIt()
    {
        final Path path = dir.resolve("noflag.heap");
        try (ChildJvm child = ChildJvm.of(NoFlagHeapChild.class).name("no-flag-heap").switchedOff().withoutAgronaFlags()
            .args(path).start())
        {
            assertEquals("CAUGHT HeapException: the shared heap needs Agrona's access to memory, even with struct " +
                "history off, and this JVM was started without it: add " +
                "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED to the java command line", child.awaitLine(""));
            child.awaitSuccess();
        }
        assertFalse(Files.exists(path), "refused before any file is made");
    }
}
