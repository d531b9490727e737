package org.structhist.shdump.command;

import org.structhist.HistoryFile;
import org.structhist.io.FileSafety;
import org.structhist.io.UnsafeFileException;
import org.structhist.reader.HistoryReader;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.output.Style;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What the commands see of the top-level {@code shdump} command: the options every command inherits
 * (picocli injects them here, in {@code Shdump}'s instance) and what they make of them. The commands reach it
 * as their {@code @ParentCommand}; they know this class, not {@code Shdump}, so that {@code Shdump}, which
 * lists them, does not also sit below them (no package cycle).
 */
public abstract class RootCommand
{
    @Option(names = "--file", paramLabel = "PATH", scope = ScopeType.INHERIT,
        description = "History file (default: -Dstructhist.file, $STRUCTHIST_FILE, else " +
            "/dev/shm/structhist-$USER/default.hist).")
    private Path file;

    @Option(names = "--heap-file", paramLabel = "PATH", scope = ScopeType.INHERIT,
        description = "Shared heap file: what 'heap' reads; with --obj or show, each history also says which " +
            "chunk holds the address now.")
    private Path heapFile;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colour, even on a terminal.")
    private boolean noColor;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
    private boolean debug;

    /**
     * Runs shdump anew with {@code args}, writing to {@code out} and {@code err}: what {@code demo} shows is
     * the real commands' output. Returns the exit code.
     */
    public abstract int execute(PrintWriter out, PrintWriter err, String... args);

    /** The file the user named with --file, or null. */
    public Path fileOption()
    {
        return file;
    }

    /** The heap file the user named with --heap-file, or null: heaps have no default path. */
    public Path heapFileOption()
    {
        return heapFile;
    }

    /** The file the user named, or the library's default. */
    public Path path()
    {
        return file != null ? file : HistoryFile.defaultPath();
    }

    /**
     * Opens the file read-only; failures become one sentence and exit code 3. A FIFO, a directory or a
     * device is refused before it is opened: opening a FIFO to read would block until a writer came.
     */
    public HistoryReader openReader()
    {
        final Path path = path();
        requireRegularFile(path, "history file");
        return HistoryReader.open(path);
    }

    /** Exit code 3 and one sentence unless {@code path} (links followed) is a regular file; missing is let through. */
    private static void requireRegularFile(final Path path, final String what)
    {
        try
        {
            FileSafety.requireRegularFile(path, what);
        }
        catch (final NoSuchFileException ex)
        {
            // The open says so, in the words every command already uses.
        }
        catch (final UnsafeFileException ex)
        {
            throw new ShdumpException(ExitCode.BAD_FILE, ex.getMessage());
        }
        catch (final IOException ex)
        {
            throw new ShdumpException(ExitCode.BAD_FILE, path + " cannot be read: " + ex.getMessage());
        }
    }

    public Style style()
    {
        return new Style(!noColor && System.getenv("NO_COLOR") == null);
    }
}
