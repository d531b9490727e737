package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.StructHistory;
import org.structhist.testsupport.ChildJvm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Invariant 4: a file that does not fit fails at open with a clear error, never with SIGBUS later.
 * A child JVM runs under {@code ulimit -f} (HotSpot ignores SIGXFSZ, so the over-limit write fails with
 * EFBIG exactly where a full tmpfs fails with ENOSPC). Had the file been created sparse, creation would
 * succeed and the first store into an unbacked page would kill the child with SIGBUS instead.
 */
class NoSpaceProcessTest
{
    @TempDir
    Path dir;

    @Test
    void aFileThatDoesNotFitIsRefusedAtOpenAndLeavesNothingBehind() throws Exception
    {
        final Path path = dir.resolve("nospace.hist");
        final long limitBlocks = 2048; // 2 MiB in ulimit's 1 KiB blocks
        final String java = String.join(" ", ChildJvm.javaBinary(), String.join(" ", ChildJvm.AGRONA_FLAGS),
            "-D" + StructHistory.ENABLED_PROPERTY + "=true", "-Xmx64m", "-cp",
            "'" + ChildJvm.classPath(NoSpaceChild.class) + "'", NoSpaceChild.class.getName(), "'" + path + "'",
            String.valueOf(16L << 20));
        final Process child = new ProcessBuilder("bash", "-c", "ulimit -f " + limitBlocks + " && exec " + java)
            .redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child hung");
        final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, child.exitValue(), "the child must refuse cleanly, not die: " + out);
        assertTrue(out.startsWith("REFUSED cannot allocate 16777216 bytes for history file " + path), out);
        assertTrue(out.contains("make the file smaller with -Dstructhist.file.size"), out);
        try (Stream<Path> left = Files.list(dir))
        {
            assertEquals(0, left.count(), "neither the file nor its temporary is left behind");
        }
    }
}
