package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, item 7, for real: a creator killed with SIGKILL while it fills a large file leaves its
 * {@code NAME.creating-PID-START-N} temporary (up to the whole size, in RAM under /dev/shm); the next
 * process that opens NAME removes it, because no live process has that pid and start time.
 */
class KilledCreatorTest
{
    private static final long SIZE = 512L << 20;
    private static final int ATTEMPTS = 5;

    @TempDir
    Path dir;

    @Test
    void aTemporaryLeftByACreatorKilledDuringCreationIsRemovedByTheNextOpener() throws Exception
    {
        final Path path = dir.resolve("big.hist");
        Path leftover = null;
        for (int attempt = 0; attempt < ATTEMPTS && leftover == null; attempt++)
        {
            try (ChildJvm creator = ChildJvm.of(CreatorChild.class).name("creator").args(path, SIZE).start())
            {
                final long deadline = System.nanoTime() + ChildJvm.STARTUP_TIMEOUT.toNanos();
                while (leftover == null && creator.isAlive() && System.nanoTime() < deadline)
                {
                    leftover = temporaries(path).stream().findFirst().orElse(null);
                    Thread.onSpinWait();
                }
                creator.killHard(); // SIGKILL, mid-fill if the temporary was seen
            }
            if (leftover != null && !Files.exists(leftover))
            {
                leftover = null; // it finished (and removed it) between our look and the kill: try again
            }
            Files.deleteIfExists(path);
        }
        assertTrue(leftover != null, "caught a creator mid-creation in " + ATTEMPTS + " attempts");
        assertEquals(List.of(leftover), temporaries(path), "the killed creator left its temporary");
        assertFalse(Files.exists(path), "NAME never appears half-made");

        HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20)).close();
        assertEquals(List.of(), temporaries(path), "the next opener removed the dead creator's temporary");
    }

    private List<Path> temporaries(final Path path) throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().startsWith(path.getFileName() + ".creating-")).toList();
        }
    }

    /** Creates the history file {@code args[0]} of {@code args[1]} bytes, then waits to be killed. */
    public static final class CreatorChild
    {
        private CreatorChild()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            HistoryFile.open(Path.of(args[0]), FileOptions.defaults().sizeBytes(Long.parseLong(args[1])));
            System.out.println("CREATED");
            Thread.sleep(60_000);
        }
    }
}
