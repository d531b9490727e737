package org.structhist.shdump.heap;

import org.structhist.alloc.HeapException;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.Failures;
import org.structhist.shdump.cli.ShdumpException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A heap file as shdump reads it: read-only through {@link HeapReader}, every failure to open it one
 * sentence with exit code 3, and the facts {@code heap} and {@code show --heap-file} print about a chunk
 * (the words are {@code output.HeapRenderer}'s).
 * The reader bounds every offset, payload bytes included, by the file's length.
 */
public final class HeapView
{
    /**
     * Beyond this many distinct pids the liveness answers are no longer cached: a hostile file's pids
     * cost time, not memory.
     */
    private static final int MAX_CACHED_PIDS = 4096;

    private final Path path;
    private final HeapReader reader;
    private final Map<Long, Boolean> alive = new HashMap<>();

    private HeapView(final Path path, final HeapReader reader)
    {
        this.path = path;
        this.reader = reader;
    }

    /**
     * Maps {@code path} read-only.
     *
     * @throws ShdumpException with exit code 3 when it is missing, unreadable or not a heap file.
     */
    public static HeapView open(final Path path)
    {
        try
        {
            // Guarded too: the open reads the header through the mapping it just made.
            return guarded(path, () -> new HeapView(path, HeapReader.open(path)));
        }
        catch (final HeapException ex)
        {
            // HeapFormatException included: its messages are one sentence naming the file already.
            throw new ShdumpException(ExitCode.BAD_FILE, ex.getMessage());
        }
    }

    /**
     * Runs {@code read} over the mapping. A page of the file that another process cut off while it is
     * mapped raises SIGBUS, which HotSpot turns into an InternalError: that becomes a sentence naming
     * the heap file and exit code 3. Everything that reads the mapping, the process table included,
     * goes through here.
     */
    public <T> T read(final Supplier<T> read)
    {
        return guarded(path, read);
    }

    private static <T> T guarded(final Path path, final Supplier<T> read)
    {
        try
        {
            // HotSpot raises the fault of an access in compiled code at the thread's next safepoint poll or
            // transition that checks for it, which may come after this returned: then Shdump.run or main
            // catches it, with a sentence of its own.
            return read.get();
        }
        catch (final InternalError ex)
        {
            if (Failures.isTruncation(ex))
            {
                throw Failures.truncated(path);
            }
            throw ex;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            // The reader's bounds checks should keep every access inside the file; should one not, the file
            // is what is wrong, and saying so beats an internal error.
            throw new ShdumpException(ExitCode.BAD_FILE, path +
                " is corrupt: a read fell outside it (" + ex.getMessage() + ")");
        }
    }

    public Path path()
    {
        return path;
    }

    public HeapReader reader()
    {
        return reader;
    }

    /** Where chunk pages start: below it lie the header, the page table and the quarantine ring. */
    public long dataOffset()
    {
        return reader.dataOffset();
    }

    /** Whether {@code pid} runs now (and is the process the heap registered under it); cached per pid. */
    public boolean isAlive(final long pid)
    {
        final Boolean known = alive.get(pid);
        if (known != null)
        {
            return known;
        }
        final boolean answer = reader.isAlive(pid);
        if (alive.size() < MAX_CACHED_PIDS)
        {
            alive.put(pid, answer);
        }
        return answer;
    }

    /** What the leak report counts: allocated now, and its owner is dead. */
    public boolean isLeaked(final ChunkInfo chunk)
    {
        return chunk.isAllocated() && !isAlive(chunk.ownerPid());
    }

    /**
     * Payload bytes of {@code chunk} there are to show: what its last allocation asked for, within
     * the chunk and the file.
     */
    public long payloadBytes(final ChunkInfo chunk)
    {
        final long room = Math.max(0, Math.min(payloadCapacity(chunk), reader.capacity() - chunk.address()));
        return Math.min(Math.max(0, chunk.requestedSize()), room);
    }

    /** The payload bytes a chunk of its class holds (0 when its header names no class). */
    public static long payloadCapacity(final ChunkInfo chunk)
    {
        return Math.max(0, chunk.chunkSize() - ChunkHeaderDescriptor.LENGTH);
    }

    /** {@code length} bytes from {@code address} into {@code into}; the caller keeps them inside the file. */
    public void bytes(final long address, final byte[] into, final int length)
    {
        reader.bytes(address, into, length);
    }
}
