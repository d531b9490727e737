package org.structhist.stress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.process.NoSpaceChild;
import org.structhist.reader.HistoryReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4 on a real full filesystem: a 2 MiB tmpfs mounted by the test. A history file that does
 * not fit is refused at open with a clear sentence and leaves nothing behind; one that fits keeps
 * working after the tmpfs has been filled to the last byte (its pages were allocated at creation, so no
 * store into it can fault with SIGBUS). Mounting needs root (CAP_SYS_ADMIN); where it is not permitted
 * the test falls back to a file-size limit ({@code ulimit -f}), running struct-history's own
 * {@code NoSpaceChild}, the child of its {@code NoSpaceProcessTest}: the same refusal, on EFBIG instead
 * of ENOSPC.
 */
class FullTmpfsTest
{
    private static final long TMPFS_BYTES = 2L << 20;

    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted != null)
        {
            // Lazy: this JVM still maps a file of it (the reader below), which would make it "busy".
            final Result umount = run(List.of("umount", "-l", mounted.toString()), 30);
            assertEquals(0, umount.exit, "umount " + mounted + ": " + umount.output);
        }
    }

    @Test
    void aFileThatDoesNotFitIsRefusedAndOneThatFitsSurvivesAFullFilesystem() throws Exception
    {
        final Path mountPoint = Files.createDirectory(dir.resolve("tmpfs"));
        // -Dstructhist.stress.noMount=true takes the fallback path, to test it where mounting works.
        final Result mount = Boolean.getBoolean("structhist.stress.noMount") ?
            new Result(1, "-Dstructhist.stress.noMount") :
            run(List.of("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_BYTES + ",mode=0700", "tmpfs",
                mountPoint.toString()), 30); // mode 0700: structhist refuses a directory others may write
        if (mount.exit != 0)
        {
            System.out.println("FullTmpfsTest: mount not permitted here (" + mount.output.strip() +
                "): falling back to ulimit -f");
            fileSizeLimitFallback();
            return;
        }
        mounted = mountPoint;
        System.out.println("FullTmpfsTest: mounted a " + TMPFS_BYTES + "-byte tmpfs at " + mountPoint);

        // Too large: refused at open, in one sentence, and no file or temporary left.
        final Path tooLarge = mountPoint.resolve("too-large.hist");
        final Result refused = java(FullTmpfsChild.class, "", tooLarge.toString(), Long.toString(4L << 20),
            mountPoint.resolve("unused").toString());
        assertEquals(0, refused.exit, "refused cleanly, not killed: " + refused.output);
        assertTrue(refused.output.startsWith("REFUSED cannot allocate 4194304 bytes for history file " + tooLarge),
            refused.output);
        assertEmpty(mountPoint);

        // Fits: then the tmpfs is filled to the last byte, and logging into every record still works.
        final Path fits = mountPoint.resolve("fits.hist");
        final Result full = java(FullTmpfsChild.class, "", fits.toString(), Long.toString(1L << 20),
            mountPoint.resolve("filler").toString());
        assertEquals(0, full.exit, "no SIGBUS (exit 135) or InternalError with the tmpfs full: " + full.output);
        assertTrue(full.output.contains("FULL ") && full.output.contains("LOGGED 4096"), full.output);
        final Result df = run(List.of("df", "-B1", "--output=avail", mountPoint.toString()), 30);
        assertTrue(df.output.strip().endsWith("\n0") || df.output.strip().endsWith(" 0"),
            "the tmpfs was full: " + df.output);
        final HistoryReader reader = HistoryReader.open(fits);
        assertEquals(64, reader.incarnations(reader.list("all").orElseThrow()).size());
    }

    /** Where mount is refused: the same refusal under a file-size limit, with struct-history's child. */
    private void fileSizeLimitFallback() throws Exception
    {
        final Path path = dir.resolve("nospace.hist");
        final Result refused =
            java(NoSpaceChild.class, "ulimit -f 2048 && ", path.toString(), Long.toString(16L << 20));
        assertEquals(0, refused.exit, "refused cleanly, not killed: " + refused.output);
        assertTrue(refused.output.startsWith("REFUSED cannot allocate 16777216 bytes for history file " + path),
            refused.output);
        assertTrue(Files.notExists(path), "no file left");
    }

    private static void assertEmpty(final Path dir) throws IOException
    {
        try (Stream<Path> left = Files.list(dir))
        {
            final List<Path> files = left.toList();
            assertTrue(files.isEmpty(), "nothing left behind: " + files);
        }
    }

    private Result java(final Class<?> main, final String shellPrefix, final String... args) throws Exception
    {
        final StringBuilder command = new StringBuilder(shellPrefix).append("exec ")
            .append(Paths.get(System.getProperty("java.home"), "bin", "java"))
            .append(" -Xmx64m --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dstructhist=true -cp '")
            .append(System.getProperty("java.class.path")).append("' ").append(main.getName());
        for (final String arg : args)
        {
            command.append(" '").append(arg).append('\'');
        }
        return run(List.of("bash", "-c", command.toString()), 60);
    }

    private static Result run(final List<String> command, final int seconds) throws Exception
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return new Result(-1, ex.toString());
        }
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError(command + " hung");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static final class Result
    {
        final int exit;
        final String output;

        Result(final int exit, final String output)
        {
            this.exit = exit;
            this.output = output;
        }
    }
}
