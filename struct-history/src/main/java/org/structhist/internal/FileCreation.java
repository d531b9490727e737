package org.structhist.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The steps every structhist file (history files, shared heaps) is created with: an owner-only
 * temporary {@code NAME.creating-PID-N}, filled and initialised, then hard-linked to NAME, so that NAME
 * never exists half-made; and the cleanup of temporaries whose creator was killed.
 */
public final class FileCreation
{
    private static final String TEMPORARY_INFIX = ".creating-";

    private FileCreation()
    {
    }

    /** A fresh temporary name next to {@code path}, naming this process. */
    public static Path temporaryFor(final Path path)
    {
        return path.resolveSibling(path.getFileName() + TEMPORARY_INFIX + ProcessIdentity.PID + "-" + System.nanoTime());
    }

    /** Removes {@code NAME.creating-PID-N} files whose creator is dead: what a kill during creation left. */
    public static void removeTemporariesOfDeadCreators(final Path path)
    {
        final String prefix = path.getFileName() + TEMPORARY_INFIX;
        try (java.util.stream.Stream<Path> siblings = Files.list(path.toAbsolutePath().getParent()))
        {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(p ->
            {
                final String rest = p.getFileName().toString().substring(prefix.length());
                final int dash = rest.indexOf('-');
                try
                {
                    final long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                    if (!ProcessIdentity.isAlive(pid, 0))
                    {
                        deleteQuietly(p);
                    }
                }
                catch (final NumberFormatException ignore)
                {
                    // Not one of ours.
                }
            });
        }
        catch (final IOException | RuntimeException ignore)
        {
            // Best effort: a leftover temporary wastes space but harms nothing.
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

    /** Creates {@code path} readable and writable by its owner only, from the first instant. */
    public static void createOwnerOnly(final Path path) throws IOException
    {
        try
        {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
