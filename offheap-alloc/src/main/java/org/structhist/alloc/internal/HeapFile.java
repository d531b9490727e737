package org.structhist.alloc.internal;

import org.agrona.IoUtil;
import org.structhist.alloc.HeapException;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.format.HeapFormatException;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapLayout;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.format.SizeClasses;
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
 * Creates a heap file or attaches to one, exactly as history files are made (see struct-history's
 * {@code MappedFile}): an owner-only temporary, every byte written so a full filesystem fails here and
 * never as a SIGBUS in {@code allocate}, the header, the version release-stored last, then a hard link
 * to the real name. Attachers read the header with plain reads until the version appears, then map.
 * Both check the directory, the file and the open descriptor first ({@link FileSafety}), and remove the
 * temporaries of dead creators. A read-only open (shdump) only refuses what is not a regular file.
 */
public final class HeapFile
{
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    public final Path path;
    public final HeapMemory memory;
    public final HeapLayout layout;
    public final boolean created;
    /** The layout the opener's options plan (null for a read-only open): what an attacher's file must match. */
    public final HeapLayout requested;

    private HeapFile(final Path path, final HeapMemory memory, final HeapLayout layout, final boolean created,
        final HeapLayout requested)
    {
        this.path = path;
        this.memory = memory;
        this.layout = layout;
        this.created = created;
        this.requested = requested;
    }

    public static HeapFile createOrAttach(final Path path, final HeapOptions options)
    {
        final HeapLayout planned;
        try
        {
            planned = HeapLayout.plan(options.capacity(), options.quarantineSlots(), options.quarantineBytes(),
                options.poison());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new HeapException("cannot create heap file " + path + ": " + ex.getMessage(), ex);
        }
        final FileAccess access = options.access();
        final Path parent = path.toAbsolutePath().getParent();
        try
        {
            if (parent != null)
            {
                FileSafety.checkDirectory(parent, access, "heap file " + path);
            }
        }
        catch (final UnsafeFileException ex)
        {
            throw new HeapException(ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new HeapException("cannot open heap file " + path + ": " + FileCreation.describe(ex), ex);
        }
        FileCreation.removeTemporariesOfDeadCreators(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            return attach(path, access, options.attachTimeoutMillis(), planned);
        }
        final Path temporary = FileCreation.temporaryFor(path);
        try
        {
            FileCreation.create(temporary, access);
        }
        catch (final IOException ex)
        {
            throw new HeapException("cannot create heap file " + path + ": " + FileCreation.describe(ex), ex);
        }
        final HeapMemory memory = initialise(temporary, path, planned);
        try
        {
            if (!FileCreation.linkIntoPlace(temporary, path))
            {
                return attach(path, access, options.attachTimeoutMillis(), planned); // another process won the race
            }
        }
        catch (final IOException ex)
        {
            throw new HeapException("cannot create heap file " + path + ": " + FileCreation.describe(ex), ex);
        }
        return new HeapFile(path, memory, planned, true, planned);
    }

    /** Maps an existing heap file read-only, for readers that must never write (shdump). */
    public static HeapFile openReadOnly(final Path path)
    {
        try
        {
            // A FIFO would block the open, a device would be read: neither is a heap file.
            FileSafety.requireRegularFile(path, "heap file");
        }
        catch (final NoSuchFileException ex)
        {
            throw new HeapException("heap file " + path + " does not exist", ex);
        }
        catch (final UnsafeFileException ex)
        {
            throw new HeapException(ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new HeapException("cannot open heap file " + path + ": " + FileCreation.describe(ex), ex);
        }
        return attach(path, null, 0, null);
    }

    private static HeapMemory initialise(final Path path, final Path reportedAs, final HeapLayout layout)
    {
        final HeapMemory memory;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            IoUtil.fill(channel, 0, layout.fileLength, (byte)0);
            channel.force(false);
            memory = map(channel, layout.fileLength, FileChannel.MapMode.READ_WRITE);
        }
        catch (final IOException | RuntimeException ex)
        {
            FileCreation.deleteQuietly(path);
            throw new HeapException("cannot allocate " + layout.fileLength + " bytes for heap file " + reportedAs +
                " (" + FileCreation.describe(ex) + "): free space there, or ask for a smaller capacity", ex);
        }
        layout.writeHeader(memory, ProcessIdentity.PID, WallClock.nanos());
        memory.putIntRelease(HeapHeaderDescriptor.FORMAT_VERSION_OFFSET, HeapHeaderDescriptor.FORMAT_VERSION);
        return memory;
    }

    private static HeapMemory map(final FileChannel channel, final long length, final FileChannel.MapMode mode)
        throws IOException
    {
        final int segments = (int)((length + SizeClasses.SEGMENT_SIZE - 1) >>> SizeClasses.SEGMENT_SHIFT);
        final MappedByteBuffer[] mappings = new MappedByteBuffer[segments];
        for (int i = 0; i < segments; i++)
        {
            final long start = (long)i << SizeClasses.SEGMENT_SHIFT;
            mappings[i] = channel.map(mode, start, Math.min(SizeClasses.SEGMENT_SIZE, length - start));
        }
        return new HeapMemory(mappings, length);
    }

    /** {@code requested} null: a read-only open (and {@code access} is not checked). */
    private static HeapFile attach(
        final Path path, final FileAccess access, final long timeoutMillis, final HeapLayout requested)
    {
        final boolean readOnly = requested == null;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        final StandardOpenOption[] modes = readOnly ? new StandardOpenOption[] {StandardOpenOption.READ} :
            new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        try (FileChannel channel = readOnly ? FileChannel.open(path, modes) :
            FileSafety.openExisting(path, access, "heap file", modes))
        {
            final ByteBuffer header = ByteBuffer.allocate(HeapHeaderDescriptor.CLASS_TABLE_OFFSET)
                .order(ByteOrder.LITTLE_ENDIAN);
            while (true)
            {
                header.clear();
                final long size = channel.size();
                final int read = size >= header.capacity() ? channel.read(header, 0) : 0;
                if (read == header.capacity())
                {
                    final long magic = header.getLong(HeapHeaderDescriptor.MAGIC_OFFSET);
                    if (magic != 0 && magic != HeapHeaderDescriptor.MAGIC)
                    {
                        // A reader must not suggest deleting it: it may be a history file given by mistake.
                        throw new HeapFormatException(path + " is not a heap file (its first bytes are not the heap " +
                            "magic)" + (readOnly ? "" : "; choose another path or delete it"));
                    }
                    final int version = header.getInt(HeapHeaderDescriptor.FORMAT_VERSION_OFFSET);
                    final long length = header.getLong(HeapHeaderDescriptor.FILE_LENGTH_OFFSET);
                    if (version != 0 && length == size)
                    {
                        break;
                    }
                    if (version != 0)
                    {
                        throw new HeapFormatException(path + " is corrupt: its header says " + length +
                            " bytes but the file has " + size);
                    }
                }
                else if (readOnly || size > 0 && size < header.capacity())
                {
                    throw new HeapFormatException(path + " is not a heap file: " + size +
                        " bytes is shorter than a header");
                }
                if (readOnly || System.nanoTime() - deadline > 0)
                {
                    final long creator = read == header.capacity() ?
                        header.getLong(HeapHeaderDescriptor.CREATOR_PID_OFFSET) : 0;
                    throw new HeapFormatException(path + " is not initialised" + (readOnly ? "" : " after " +
                        timeoutMillis + " ms") + (creator != 0 && !ProcessIdentity.isAlive(creator, 0) ?
                        ": its creator, pid " + creator + ", died while creating it" : ": its creator may have died") +
                        "; delete the file to start afresh");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            final long size = channel.size();
            final HeapMemory memory = map(channel, size,
                readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE);
            final HeapLayout layout = HeapLayout.read(memory, size, path.toString());
            return new HeapFile(path, memory, layout, false, requested);
        }
        catch (final NoSuchFileException ex)
        {
            throw new HeapException("heap file " + path + " does not exist", ex);
        }
        catch (final UnsafeFileException ex)
        {
            throw new HeapException(ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new HeapException("cannot open heap file " + path + ": " + FileCreation.describe(ex), ex);
        }
    }
}
