package org.structhist.shdump.heap;

import org.structhist.alloc.HeapException;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.shdump.Address;
import org.structhist.shdump.ExitCode;
import org.structhist.shdump.Shdump;
import org.structhist.shdump.ShdumpException;
import org.structhist.shdump.output.Json;
import org.structhist.render.Times;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A heap file as shdump reads it: read-only through {@link HeapReader}, every failure to open it one
 * sentence with exit code 3, and what {@code heap} and {@code show --heap-file} print about a chunk.
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
            if (Shdump.isTruncation(ex))
            {
                throw new ShdumpException(ExitCode.BAD_FILE, path +
                    " was truncated by another process while shdump read it");
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

    /** The owner as a sentence fragment: "pid 4242 (dead)", or "none" for a chunk never allocated. */
    public String owner(final ChunkInfo chunk)
    {
        return chunk.ownerPid() == 0 ? "none" : "pid " + chunk.ownerPid() +
            (isAlive(chunk.ownerPid()) ? " (alive)" : " (dead)");
    }

    /**
     * Where {@code address} lies in {@code chunk}: "0x..." for its start, else "N bytes into chunk
     * 0x..." or into its header.
     */
    public static String where(final long address, final ChunkInfo chunk)
    {
        final long offset = address - chunk.address();
        if (offset == 0)
        {
            return "chunk " + Address.format(chunk.address());
        }
        if (offset < 0)
        {
            return "the header of chunk " + Address.format(chunk.address()) + " (" + -offset +
                " bytes before its payload)";
        }
        return offset + " bytes into chunk " + Address.format(chunk.address());
    }

    /**
     * One line about the chunk that holds {@code address} now, as {@code show --heap-file} prints it under
     * each incarnation: its state, generation and owner, or that no chunk holds the address.
     */
    public String describe(final long address, final long historyHandle)
    {
        return read(() -> describeNow(address, historyHandle));
    }

    private String describeNow(final long address, final long historyHandle)
    {
        final ChunkInfo chunk = reader.chunkAt(address);
        if (chunk == null)
        {
            return "heap: no chunk of " + path + " holds " + Address.format(address);
        }
        final StringBuilder sb = new StringBuilder("heap: ").append(Address.format(address)).append(" is ")
            .append(where(address, chunk)).append(", ").append(chunk.stateName())
            .append(", generation ").append(chunk.generationUnsigned());
        if (chunk.ownerPid() != 0)
        {
            sb.append(chunk.isAllocated() ? ", owner " : ", last allocated by ").append(owner(chunk));
        }
        if (!chunk.isAllocated() && chunk.freedByPid() != 0)
        {
            sb.append(", freed by pid ").append(chunk.freedByPid());
        }
        if (historyHandle != 0 && chunk.historyHandle() == historyHandle)
        {
            // The chunk's header names this very history: the allocation it tells of is the chunk's latest.
            sb.append(", this history's allocation");
        }
        return sb.toString();
    }

    /**
     * The fields every JSON form of a chunk shares (the "chunk" and "leak" lines of {@code heap --json},
     * the {@code heapChunk} of {@code show --json --heap-file}), after {@code json}'s own.
     */
    public Json chunkFields(final Json json, final ChunkInfo chunk)
    {
        return json
            .field("address", Address.format(chunk.address()))
            .field("header", Address.format(chunk.chunkOffset()))
            .field("state", chunk.stateName())
            .field("sizeClass", chunk.sizeClass())
            .field("chunkSize", chunk.chunkSize())
            .field("requestedSize", chunk.requestedSize())
            .field("generation", chunk.generationUnsigned())
            .field("ownerPid", chunk.ownerPid())
            .field("ownerAlive", chunk.ownerPid() == 0 ? null : (Boolean)isAlive(chunk.ownerPid()))
            .field("allocated", chunk.allocatedAtNanos() == 0 ? null : Times.iso(chunk.allocatedAtNanos()))
            .field("freedByPid", chunk.freedByPid())
            .field("historyHandle", Address.format(chunk.historyHandle()));
    }

    /** The {@code heapChunk} of an incarnation line: the chunk holding {@code address} now, or null. */
    public Json chunkJson(final long address)
    {
        return read(() ->
        {
            final ChunkInfo chunk = reader.chunkAt(address);
            // chunkFields asks the process table, in the mapping too, whether the owner is alive.
            return chunk == null ? null : chunkFields(Json.object(), chunk).field("offset", address - chunk.address());
        });
    }
}
