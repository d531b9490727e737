package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.shdump.output.ExportTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The export's output file appears whole or not at all, and never replaces what it must not. */
class ExportTargetTest
{
    @TempDir
    Path dir;

    @Test
    void anExportThatFailsLeavesNothingBehind() throws IOException
    {
        final Path file = dir.resolve("out.json");
        try (ExportTarget target = ExportTarget.file(file.toString(), false, dir.resolve("h.hist")))
        {
            target.writer().write("{\"traceEvents\":[ half of it");
            assertEquals(1, listing().size(), "the temporary file, beside the target");
            assertTrue(listing().get(0).getFileName().toString().startsWith(".out.json."));
            // no commit: the export failed
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void aCommitPutsTheWholeFileInPlace() throws IOException
    {
        final Path file = dir.resolve("out.json");
        try (ExportTarget target = ExportTarget.file(file.toString(), false, dir.resolve("h.hist")))
        {
            target.writer().write("whole");
            target.commit();
        }
        assertEquals("whole", Files.readString(file));
        assertEquals(List.of(file), listing());
    }

    @Test
    void aFileCreatedDuringTheExportIsNotReplacedWithoutForce() throws IOException
    {
        final Path file = dir.resolve("out.json");
        try (ExportTarget target = ExportTarget.file(file.toString(), false, dir.resolve("h.hist")))
        {
            target.writer().write("ours");
            Files.writeString(file, "theirs");
            final ShdumpException ex = assertThrows(ShdumpException.class, target::commit);
            assertEquals(ExitCode.USAGE, ex.exitCode());
            assertTrue(ex.getMessage().contains("--force"), ex.getMessage());
        }
        assertEquals("theirs", Files.readString(file));
        assertEquals(List.of(file), listing());
    }

    @Test
    void aSymbolicLinkIsFollowedNotReplaced() throws IOException
    {
        final Path real = dir.resolve("real.json");
        final Path link = dir.resolve("link.json");
        Files.writeString(real, "old");
        try
        {
            Files.createSymbolicLink(link, real);
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            assumeTrue(false, "no symbolic links here");
        }
        try (ExportTarget target = ExportTarget.file(link.toString(), true, dir.resolve("h.hist")))
        {
            target.writer().write("new");
            target.commit();
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
    }

    @Test
    void aDeviceIsNeverReplaced()
    {
        assumeTrue(Files.exists(Paths.get("/dev/null")));
        final ShdumpException ex = assertThrows(ShdumpException.class,
            () -> ExportTarget.file("/dev/null", true, dir.resolve("h.hist")));
        assertEquals(ExitCode.USAGE, ex.exitCode());
        assertTrue(ex.getMessage().contains("-o -"), ex.getMessage());
        assertTrue(Files.exists(Paths.get("/dev/null")));
    }

    private List<Path> listing() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.sorted().toList();
        }
    }
}
