package org.structhist.internal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.FileOptions;
import org.structhist.HistoryFormatException;
import org.structhist.StructHistoryException;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.LayoutRequest;
import org.structhist.io.FileAccess;
import org.structhist.io.FileCreation;
import org.structhist.io.FileSafety;
import org.structhist.io.ProcessIdentity;
import org.structhist.io.UnsafeFileException;
import org.structhist.io.WallClock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates a history file or attaches to one that another process created, and maps it.
 * <p>
 * Creation: a creator makes {@code NAME.creating-PID-N} with owner-only permissions from the first
 * instant, writes every byte of it (zeros) before mapping it, so the filesystem allocates all of it
 * now (on a full tmpfs the write fails here with ENOSPC, instead of a page fault raising SIGBUS deep
 * inside a {@code log} call later), writes the header and release-stores the format version last,
 * then hard-links it to NAME. The link is atomic and fails if NAME exists: exactly one creator wins,
 * and NAME never exists half-made, so a creator killed at any instant blocks nobody. Attachers still
 * wait for the version (reading the header with plain {@code read} calls, never through a mapping)
 * for files made by writers that initialise in place.
 * <p>
 * Opening: the directory is checked before anything else, then the file, then the open descriptor
 * ({@link FileSafety}): a file another user planted, a symlink or a FIFO is refused with one sentence.
 * Temporaries of dead creators are removed by whoever creates or attaches.
 */
public final class MappedFile
{
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    public final Path path;
    public final UnsafeBuffer buffer;
    public final FileLayout layout;
    public final boolean created;
    /** Kept reachable for as long as this object is: the mapping lives until the buffer is collected. */
    private final MappedByteBuffer mapping;

    private MappedFile(
        final Path path, final MappedByteBuffer mapping, final FileLayout layout, final boolean created)
    {
        this.path = path;
        this.mapping = mapping;
        this.buffer = new UnsafeBuffer(mapping);
        this.layout = layout;
        this.created = created;
    }

    public MappedByteBuffer mapping()
    {
        return mapping;
    }

    /**
     * Creates the file with the {@code request}ed layout, or attaches to the one already there (waiting up to
     * {@code attachTimeoutMillis} for its creator to finish it). Plain values, not the API's FileOptions: the
     * API translates itself, so this package does not depend on it.
     */
    public static MappedFile createOrAttach(
        final Path path, final LayoutRequest request, final FileAccess access, final long attachTimeoutMillis)
    {
        final FileLayout planned = FileLayout.plan(request);
        final Path parent = path.toAbsolutePath().getParent();
        try
        {
            if (parent != null)
            {
                FileSafety.checkDirectory(parent, access, "history file " + path);
            }
        }
        catch (final UnsafeFileException ex)
        {
            throw new StructHistoryException(ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new StructHistoryException("cannot open history file " + path + ": " + FileCreation.describe(ex), ex);
        }
        FileCreation.removeTemporariesOfDeadCreators(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            return attach(path, access, attachTimeoutMillis);
        }
        final Path temporary = FileCreation.temporaryFor(path);
        try
        {
            FileCreation.create(temporary, access);
        }
        catch (final IOException ex)
        {
            throw new StructHistoryException("cannot create history file " + path + ": " +
                FileCreation.describe(ex), ex);
        }
        final MappedFile made = initialise(temporary, path, planned);
        try
        {
            // The file appears at its real name complete, version and all, or not at all: a creator
            // killed while filling it leaves only a temporary that the next creator removes.
            if (!FileCreation.linkIntoPlace(temporary, path))
            {
                return attach(path, access, attachTimeoutMillis); // another process won the race
            }
        }
        catch (final IOException ex)
        {
            throw new StructHistoryException("cannot create history file " + path + ": " +
                FileCreation.describe(ex), ex);
        }
        return new MappedFile(path, made.mapping, made.layout, true);
    }

    /** Fills, maps and initialises {@code path}; errors name {@code reportedAs}, the file the user asked for. */
    private static MappedFile initialise(final Path path, final Path reportedAs, final FileLayout layout)
    {
        final MappedByteBuffer mapping;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            IoUtil.fill(channel, 0, layout.fileLength, (byte)0);
            channel.force(false);
            mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength);
        }
        catch (final IOException | RuntimeException ex)
        {
            FileCreation.deleteQuietly(path);
            throw new StructHistoryException("cannot allocate " + layout.fileLength + " bytes for history file " +
                reportedAs + " (" + FileCreation.describe(ex) + "): free space there, or make the file smaller with " +
                "-D" + FileOptions.SIZE_PROPERTY, ex); // a constant, compiled in: no dependency at run time
        }
        final MappedFile file = new MappedFile(path, mapping, layout, true);
        final long wallNanos = WallClock.preciseNanos();
        final long monotonicNanos = System.nanoTime();
        layout.writeHeader(file.buffer, ProcessIdentity.PID, wallNanos, monotonicNanos);
        file.buffer.putIntRelease(FileHeaderDescriptor.FORMAT_VERSION_OFFSET, FileHeaderDescriptor.FORMAT_VERSION);
        return file;
    }

    private static MappedFile attach(final Path path, final FileAccess access, final long timeoutMillis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try (FileChannel channel = FileSafety.openExisting(path, access, "history file",
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer header =
                ByteBuffer.allocate(FileHeaderDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            while (true)
            {
                header.clear();
                final long size = channel.size();
                final int read = size >= FileHeaderDescriptor.HEADER_LENGTH ? channel.read(header, 0) : 0;
                if (read == FileHeaderDescriptor.HEADER_LENGTH)
                {
                    final long magic = header.getLong(FileHeaderDescriptor.MAGIC_OFFSET);
                    if (magic != 0 && magic != FileHeaderDescriptor.MAGIC)
                    {
                        // Zero: the creator is still writing zeros ahead of the header. Anything else is foreign.
                        throw new HistoryFormatException(path + " is not a history file (its first bytes are " +
                            "not the structhist magic); choose another path or delete it");
                    }
                    final int version = header.getInt(FileHeaderDescriptor.FORMAT_VERSION_OFFSET);
                    final long length = header.getLong(FileHeaderDescriptor.FILE_LENGTH_OFFSET);
                    if (version != 0 && length == size)
                    {
                        break;
                    }
                    if (version != 0)
                    {
                        throw new HistoryFormatException(path + " is corrupt: its header says " + length +
                            " bytes but the file has " + size);
                    }
                }
                if (System.nanoTime() - deadline > 0)
                {
                    final long creator = read == FileHeaderDescriptor.HEADER_LENGTH ?
                        header.getLong(FileHeaderDescriptor.CREATOR_PID_OFFSET) : 0;
                    throw new HistoryFormatException(path + " is still not initialised after " + timeoutMillis +
                        " ms" + (creator != 0 && !ProcessIdentity.isAlive(creator, 0) ?
                        ": its creator, pid " + creator + ", died while creating it" : ": its creator may have died") +
                        "; delete the file to start afresh");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            final long size = channel.size();
            if (size > FileHeaderDescriptor.MAX_FILE_LENGTH)
            {
                throw new HistoryFormatException(path + " is corrupt: " + size +
                    " bytes is more than a history file holds");
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            final UnsafeBuffer buffer = new UnsafeBuffer(mapping);
            final FileLayout layout = FileLayout.read(buffer, size, path.toString());
            return new MappedFile(path, mapping, layout, false);
        }
        catch (final NoSuchFileException ex)
        {
            throw new StructHistoryException("history file " + path + " disappeared while attaching to it", ex);
        }
        catch (final UnsafeFileException ex)
        {
            throw new StructHistoryException(ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new StructHistoryException("cannot open history file " + path + ": " + FileCreation.describe(ex), ex);
        }
    }
}
