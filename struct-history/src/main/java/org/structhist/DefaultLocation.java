package org.structhist;

import org.structhist.internal.FileNameTokens;
import org.structhist.io.FileAccess;
import org.structhist.io.FileSafety;
import org.structhist.io.ProcessIdentity;
import org.structhist.io.UnsafeFileException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the default history file is: {@code -Dstructhist.file}, else {@code $STRUCTHIST_FILE}, else
 * {@code default.hist} in a private per-user directory {@code structhist-USER}, made mode 0700, under
 * /dev/shm where it exists (memory: a history costs no disk writes), else under {@code $XDG_RUNTIME_DIR},
 * else under java.io.tmpdir.
 * <p>
 * Not a predictable name in a world-writable directory: another user could plant a file there for us to
 * attach to. The directory is checked like any other ({@link FileSafety}: ours, not a symlink, writable by
 * nobody else) when a file is opened in it; if another user made it first, opening fails with a sentence
 * saying so. /dev/shm comes before {@code $XDG_RUNTIME_DIR} so that a server started without a login
 * session (no XDG_RUNTIME_DIR) and shdump run from a shell (with one) agree on the default file.
 * <p>
 * This is the single place that reads the property and the variable.
 */
public final class DefaultLocation
{
    /** The default file's name in {@link #directory()}. */
    public static final String FILE_NAME = "default.hist";

    private DefaultLocation()
    {
    }

    /**
     * The default file, resolved now; nothing is created or checked. The property or the variable may hold
     * {@code %p}, the pid, and {@code %t}, the process's start time, for a file per run (see
     * {@link FileNameTokens}).
     */
    public static Path file()
    {
        final String property = System.getProperty(HistoryFile.FILE_PROPERTY);
        final String named = property != null && !property.isBlank() ? property : System.getenv(HistoryFile.FILE_ENV);
        if (named != null && !named.isBlank())
        {
            return Paths.get(FileNameTokens.expand(named, ProcessIdentity.PID, ProcessIdentity.START_MILLIS));
        }
        return directory().resolve(FILE_NAME);
    }

    /** The private per-user directory: {@code structhist-USER} under /dev/shm, $XDG_RUNTIME_DIR or tmpdir. */
    public static Path directory()
    {
        return base().resolve("structhist-" + System.getProperty("user.name", "user")
            .replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /**
     * Makes {@link #directory()} mode 0700 if it does not exist yet, checks it (ours, not a symlink,
     * writable by nobody else) and returns it: a private place for other files too, a heap file say.
     *
     * @throws StructHistoryException if it cannot be made, or is not safe (another user made it first).
     */
    public static Path createDirectory()
    {
        final Path directory = directory();
        try
        {
            try
            {
                Files.createDirectory(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            catch (final FileAlreadyExistsException ex)
            {
                // Made before, by us or by someone else: the check below tells.
            }
            FileSafety.checkDirectory(directory, FileAccess.OWNER_ONLY, "the default history file " +
                directory.resolve(FILE_NAME));
            return directory;
        }
        catch (final UnsafeFileException ex)
        {
            throw new StructHistoryException(ex.getMessage() + "; or set -D" + HistoryFile.FILE_PROPERTY +
                " to a file elsewhere", ex);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new StructHistoryException("cannot make the private directory " + directory + " (" +
                ex.getMessage() + "): set -D" + HistoryFile.FILE_PROPERTY + " to a file elsewhere", ex);
        }
    }

    /** {@link #createDirectory()} when {@code file} is in {@link #directory()}; nothing for a file elsewhere. */
    static void prepare(final Path file)
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null && parent.equals(directory().toAbsolutePath()))
        {
            createDirectory();
        }
    }

    private static Path base()
    {
        final Path shm = Paths.get("/dev/shm");
        if (Files.isDirectory(shm))
        {
            return shm;
        }
        final String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Paths.get(runtime)))
        {
            return Paths.get(runtime);
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }
}
