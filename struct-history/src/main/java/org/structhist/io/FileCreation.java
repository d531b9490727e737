package org.structhist.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The steps every structhist file (history files, shared heaps) is created with: a temporary
 * {@code NAME.creating-PID-START-N} (START: the creator's start time, epoch ms), private to its owner (or
 * its group, as asked) from the first instant, filled and initialised, then hard-linked to NAME, so that
 * NAME never exists half-made; and the cleanup of temporaries whose creator was killed, by whoever creates
 * or attaches next. A temporary is dead when no process runs with its pid and start time: the pid alone
 * could be reused by a live process, which would keep a dead creator's temporary forever.
 */
public final class FileCreation
{
    private static final String TEMPORARY_INFIX = ".creating-";

    private FileCreation()
    {
    }

    /** A fresh temporary name next to {@code path}, naming this process by pid and start time. */
    public static Path temporaryFor(final Path path)
    {
        return path.resolveSibling(path.getFileName() + TEMPORARY_INFIX + ProcessIdentity.PID + "-" +
            ProcessIdentity.START_MILLIS + "-" + System.nanoTime());
    }

    /**
     * Removes {@code NAME.creating-PID-START-N} files whose creator is dead: what a kill during creation
     * left. Names of older versions without START ({@code NAME.creating-PID-N}) are judged by pid alone.
     * Called by creators and attachers, only after the directory was checked ({@link FileSafety}).
     */
    public static void removeTemporariesOfDeadCreators(final Path path)
    {
        final String prefix = path.getFileName() + TEMPORARY_INFIX;
        try (java.util.stream.Stream<Path> siblings = Files.list(path.toAbsolutePath().getParent()))
        {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(p ->
            {
                if (isOfDeadCreator(p.getFileName().toString().substring(prefix.length())) &&
                    Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                {
                    deleteQuietly(p);
                }
            });
        }
        catch (final IOException | RuntimeException ignore)
        {
            // Best effort: a leftover temporary wastes space but harms nothing.
        }
    }

    /** Whether {@code PID-START-N} (or the older {@code PID-N}) names a creator that no longer runs. */
    static boolean isOfDeadCreator(final String suffix)
    {
        final String[] parts = suffix.split("-", -1);
        if (parts.length < 2 || parts.length > 3)
        {
            return false; // not one of ours
        }
        try
        {
            final long pid = Long.parseLong(parts[0]);
            final long startMillis = parts.length == 3 ? Long.parseLong(parts[1]) : 0;
            Long.parseLong(parts[parts.length - 1]);
            return !ProcessIdentity.isAlive(pid, startMillis);
        }
        catch (final NumberFormatException ex)
        {
            return false; // not one of ours
        }
    }

    /**
     * Hard-links the finished {@code temporary} to {@code path} and removes the temporary: atomic, so
     * {@code path} appears complete or not at all. Returns false when another creator's file is there
     * already (attach to it instead).
     *
     * @throws IOException when the link fails for another reason (the temporary is removed too).
     */
    public static boolean linkIntoPlace(final Path temporary, final Path path) throws IOException
    {
        try
        {
            Files.createLink(path, temporary);
            return true;
        }
        catch (final java.nio.file.FileAlreadyExistsException ex)
        {
            return false;
        }
        catch (final UnsupportedOperationException ex)
        {
            throw new IOException("the filesystem does not support hard links", ex);
        }
        finally
        {
            deleteQuietly(temporary);
        }
    }

    /**
     * Creates {@code path} (which must not exist: never through a symlink) with {@code access}'s permissions:
     * owner-only from the first instant; for a group the umask is overridden afterwards (it may have cleared
     * the group bits at creation, never added any).
     */
    public static void create(final Path path, final FileAccess access) throws IOException
    {
        try
        {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(FileAccess.OWNER_ONLY.filePermissions()));
            if (access != FileAccess.OWNER_ONLY)
            {
                Files.setPosixFilePermissions(path, access.filePermissions());
            }
        }
        catch (final UnsupportedOperationException ex)
        {
            Files.createFile(path);
        }
    }

    /** An I/O failure as the end of a sentence for the user. */
    public static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        if (ex instanceof java.nio.file.AccessDeniedException)
        {
            return "permission denied";
        }
        return message == null ? ex.getClass().getSimpleName() : message;
    }

    public static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // The creation already failed; the caller reports that, not this.
        }
    }
}
