package org.structhist.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leftover temporaries: what a creator killed during creation left (a file up to the full size, in RAM
 * under /dev/shm) is removed by the next process that creates or attaches, judged by pid and start time;
 * a live creator's is kept. And the check of an opened file reads the open descriptor, not the name.
 */
class FileCreationTest
{
    @TempDir
    Path dir;

    @Test
    void temporariesOfDeadCreatorsAreRemovedByWhoeverAttaches() throws Exception
    {
        final Path path = dir.resolve("a.hist");
        HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20)).close();
        final Leftovers leftovers = plant(path);
        HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20)).close();
        leftovers.assertDeadOnesRemovedAndLiveOneKept();
    }

    @Test
    void temporariesOfDeadCreatorsAreRemovedByWhoeverCreates() throws Exception
    {
        final Path path = dir.resolve("b.hist");
        final Leftovers leftovers = plant(path);
        HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20)).close();
        assertTrue(Files.isRegularFile(path));
        leftovers.assertDeadOnesRemovedAndLiveOneKept();
    }

    @Test
    void aTemporaryNamesItsCreatorByPidAndStartTime()
    {
        final String name = FileCreation.temporaryFor(dir.resolve("c.hist")).getFileName().toString();
        assertTrue(name.startsWith("c.hist.creating-" + ProcessIdentity.PID + "-" + ProcessIdentity.START_MILLIS + "-"),
            name);
        assertFalse(FileCreation.isOfDeadCreator(name.substring("c.hist.creating-".length())), "we are alive");
    }

    @Test
    void theOpenedFileIsCheckedThroughItsDescriptorNotItsName() throws Exception
    {
        final Path path = dir.resolve("swapped.hist");
        Files.write(path, new byte[] {1});
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final Object opened = FileSafety.statNoFollow(path).fileKey;
            // The swap an attacker would make between the check and the open: another file under the name.
            Files.delete(path);
            Files.write(path, new byte[] {2});
            assertNotEquals(opened, FileSafety.statNoFollow(path).fileKey, "another file under the name now");
            assertEquals(opened, FileSafety.statOpen(channel, path).fileKey,
                "the status of the file held open, not of whatever the name points to now");
        }
    }

    private Leftovers plant(final Path path) throws Exception
    {
        final Process exited = new ProcessBuilder("true").start();
        assertTrue(exited.waitFor(30, TimeUnit.SECONDS));
        final String prefix = path.getFileName() + ".creating-";
        final Leftovers leftovers = new Leftovers(
            // A creator killed -9: its pid no longer runs.
            Files.write(path.resolveSibling(prefix + exited.pid() + "-" + ProcessIdentity.START_MILLIS + "-7"),
                new byte[4096]),
            // A dead creator whose pid a live process (this one) has since been given: only the start time tells.
            Files.write(path.resolveSibling(prefix + ProcessIdentity.PID + "-" +
                (ProcessIdentity.START_MILLIS - 3_600_000) +
                "-8"), new byte[4096]),
            // The older naming, pid only.
            Files.write(path.resolveSibling(prefix + exited.pid() + "-9"), new byte[4096]),
            // A creator at work right now (this process): kept.
            Files.write(FileCreation.temporaryFor(path), new byte[4096]),
            // Not a temporary at all: kept.
            Files.write(path.resolveSibling(prefix + "notes"), new byte[1]));
        return leftovers;
    }

    private static final class Leftovers
    {
        final Path[] dead;
        final Path live;
        final Path foreign;

        Leftovers(final Path killed, final Path reusedPid, final Path oldName, final Path live, final Path foreign)
        {
            this.dead = new Path[] {killed, reusedPid, oldName};
            this.live = live;
            this.foreign = foreign;
        }

        void assertDeadOnesRemovedAndLiveOneKept()
        {
            for (final Path p : dead)
            {
                assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " was left by a dead creator");
            }
            assertTrue(Files.exists(live), "a live creator's temporary is kept");
            assertTrue(Files.exists(foreign), "a name that is not a temporary is kept");
        }
    }
}
