package org.structhist.shdump.output;

import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Where {@code shdump export} writes: standard output ({@code -}), or a file that appears complete or
 * not at all. A file is written to a temporary file beside it and renamed into place by
 * {@link #commit()}; {@link #close()} without a commit deletes the temporary file, so a failed export
 * leaves nothing behind. The temporary file is created owner-only, like the history file it was read
 * from, and keeps those permissions.
 */
public final class ExportTarget implements AutoCloseable
{
    private final String name;
    private final Path target;
    private final Path temp;
    private final boolean replace;
    private final Writer writer;
    private boolean committed;

    private ExportTarget(final String name, final Path target, final Path temp,
        final boolean replace, final Writer writer)
    {
        this.name = name;
        this.target = target;
        this.temp = temp;
        this.replace = replace;
        this.writer = writer;
    }

    /** Standard output: nothing to create, nothing to rename. */
    public static ExportTarget stdout(final PrintWriter out)
    {
        return new ExportTarget("standard output", null, null, false, out);
    }

    /**
     * A file, refused up front when it exists (unless {@code replace}), is a directory, is the history
     * file being read, or its directory cannot take a new file.
     */
    public static ExportTarget file(final String name, final boolean replace, final Path historyFile)
    {
        final Path target = resolve(name);
        if (Files.isDirectory(target))
        {
            throw new ShdumpException(ExitCode.BAD_FILE, "cannot write " + name + ": it is a directory");
        }
        if (Files.exists(target) && !Files.isRegularFile(target))
        {
            // A rename would replace the device or pipe itself (as root, /dev/null): never do that.
            throw new ShdumpException(ExitCode.USAGE, name + " is not a regular file; write to standard " +
                "output (-o -) and redirect it there");
        }
        if (Files.exists(target) && sameFile(target, historyFile))
        {
            throw new ShdumpException(ExitCode.USAGE, "will not write the export over " + name +
                ": it is the history file being read");
        }
        if (Files.exists(target) && !replace)
        {
            throw new ShdumpException(ExitCode.USAGE, name + " exists; give --force to replace it");
        }
        final Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory))
        {
            throw new ShdumpException(ExitCode.BAD_FILE, "cannot write " + name + ": directory " + directory +
                " does not exist");
        }
        Path temp = null;
        try
        {
            temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
            // A JVM stopped by Ctrl-C runs no finally block, but it does run delete-on-exit hooks.
            temp.toFile().deleteOnExit();
            return new ExportTarget(name, target, temp, replace, Files.newBufferedWriter(temp, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            deleteQuietly(temp);
            throw cannotWrite(name, ex);
        }
    }

    /** The absolute path; for an existing symbolic link, the file it leads to, which is what gets replaced. */
    private static Path resolve(final String name)
    {
        try
        {
            final Path path = Paths.get(name).toAbsolutePath();
            return Files.exists(path) ? path.toRealPath() : path;
        }
        catch (final InvalidPathException ex)
        {
            throw new ShdumpException(ExitCode.USAGE, "'" + name + "' is not a file name: " + ex.getReason());
        }
        catch (final IOException ex)
        {
            throw cannotWrite(name, ex);
        }
    }

    public Writer writer()
    {
        return writer;
    }

    /** Where it goes, for messages. */
    public String name()
    {
        return name;
    }

    /** Flushes, and for a file puts it in place. Without this, {@link #close()} discards the file. */
    public void commit()
    {
        try
        {
            if (temp == null)
            {
                writer.flush();
                committed = true;
                return;
            }
            writer.close();
            if (replace)
            {
                move(temp, target);
            }
            else
            {
                linkWithoutReplacing();
            }
            committed = true;
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new ShdumpException(ExitCode.USAGE, name + " was created by someone else during the export; " +
                "give --force to replace it");
        }
        catch (final IOException ex)
        {
            throw cannotWrite(name, ex);
        }
    }

    @Override
    public void close()
    {
        if (temp == null || committed)
        {
            return;
        }
        try
        {
            writer.close();
        }
        catch (final IOException ex)
        {
            // The file is being discarded: its write error was reported already, or does not matter.
        }
        deleteQuietly(temp);
    }

    /**
     * Puts the file in place only if nothing is there: link(2) fails atomically when the name exists,
     * where a check followed by rename(2) could replace a file created between the two.
     */
    private void linkWithoutReplacing() throws IOException
    {
        try
        {
            Files.createLink(target, temp);
            Files.delete(temp);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw ex; // a FileSystemException too: not to be taken for a missing hard-link support below
        }
        catch (final UnsupportedOperationException | FileSystemException ex)
        {
            // A file system without hard links: the move below checks, then renames (a narrow race).
            Files.move(temp, target);
        }
    }

    private static void move(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean sameFile(final Path a, final Path b)
    {
        try
        {
            return Files.exists(b) && Files.isSameFile(a, b);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void deleteQuietly(final Path path)
    {
        if (path == null)
        {
            return;
        }
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            // Nothing more can be done; the name starts with a dot and ends in .tmp.
        }
    }

    /** An I/O failure as one sentence with exit code 3. */
    public static ShdumpException cannotWrite(final String name, final IOException ex)
    {
        final String reason;
        if (ex instanceof AccessDeniedException)
        {
            reason = "permission denied";
        }
        else if (ex instanceof NoSuchFileException)
        {
            reason = "no such file or directory";
        }
        else if (ex instanceof FileSystemException && ((FileSystemException)ex).getReason() != null)
        {
            reason = ((FileSystemException)ex).getReason();
        }
        else
        {
            reason = String.valueOf(ex.getMessage());
        }
        return new ShdumpException(ExitCode.BAD_FILE, "cannot write " + name + ": " + reason);
    }
}
