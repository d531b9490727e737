package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
 * A heap file that does not fit fails at open with a clear error and leaves nothing behind, never a
 * SIGBUS at the first allocation. A child JVM runs under {@code ulimit -f} (HotSpot ignores SIGXFSZ, so
 * the write past the limit fails with EFBIG exactly where a full tmpfs fails with ENOSPC), as
 * struct-history's NoSpaceProcessTest does for history files.
 */
class HeapNoSpaceProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aHeapThatDoesNotFitIsRefusedAtOpenAndLeavesNoFile() throws Exception
    {
        final Path path = dir.resolve("nospace.heap");
        final long limitBlocks = 2048; // 2 MiB in ulimit's 1 KiB blocks
        final long capacity = 16L << 20;
        final String java = String.join(" ", ChildJvm.javaBinary(), String.join(" ", ChildJvm.AGRONA_FLAGS),
            "-D" + StructHistory.ENABLED_PROPERTY + "=true", "-Xmx64m", "-XX:-UsePerfData", "-cp",
            "'" + ChildJvm.classPath(HeapChild.class) + "'", HeapChild.class.getName(), "nospace",
            "'" + path + "'", String.valueOf(capacity));
        final Process child = new ProcessBuilder("bash", "-c", "ulimit -f " + limitBlocks + " && exec " + java)
            .redirectErrorStream(true).start();
        // stdin stays open while the child runs: its watchdog halts it at end of stdin.
        final boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        child.getOutputStream().close();
        if (!exited)
        {
            child.destroyForcibly();
            fail("the child hung");
        }
        final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, child.exitValue(), "the child must refuse cleanly, not die: " + out);
        assertTrue(out.startsWith("REFUSED cannot allocate " + capacity + " bytes for heap file " + path + " ("), out);
        assertTrue(out.contains("): free space there, or ask for a smaller capacity"), out);
        assertEquals(1, out.strip().lines().count(), "one line: " + out);
        try (Stream<Path> left = Files.list(dir))
        {
            assertEquals(0, left.count(), "neither the heap file nor its temporary is left behind");
        }
    }
}
