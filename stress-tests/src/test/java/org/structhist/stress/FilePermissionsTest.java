package org.structhist.stress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 9 through the default path resolution: a process that opens {@code HistoryFile.openDefault()}
 * with {@code $STRUCTHIST_FILE} set (and no property) creates that file readable and writable by its
 * owner only, even under {@code umask 000}, which would otherwise make it world-writable.
 * (HistoryFileTest checks an explicit path under the build's umask.)
 */
class FilePermissionsTest
{
    @TempDir
    Path dir;

    @Test
    void theDefaultFileIsCreatedOwnerOnlyWhateverTheUmask() throws Exception
    {
        final Path path = dir.resolve("default.hist");
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java") +
            " -Xmx64m --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dstructhist=true " +
            "-Dstructhist.file.size=1m" +
            " -cp '" + System.getProperty("java.class.path") + "' '" + OpenDefaultChild.class.getName() + "'";
        final ProcessBuilder builder = new ProcessBuilder("bash", "-c", "umask 000 && exec " + java)
            .redirectErrorStream(true);
        builder.environment().put(HistoryFile.FILE_ENV, path.toString());
        final Process child = builder.start();
        final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child hung");
        assertEquals(0, child.exitValue(), out);
        assertEquals("OPENED " + path, out.strip(), "openDefault() followed $STRUCTHIST_FILE");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    /** Opens the default file and prints where it is. */
    public static final class OpenDefaultChild
    {
        private OpenDefaultChild()
        {
        }

        public static void main(final String[] args)
        {
            System.out.println("OPENED " + HistoryFile.openDefault().path());
        }
    }
}
