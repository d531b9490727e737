package org.structhist.shdump.heap;

import org.structhist.alloc.reader.ChunkInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leak report in one walk of the page table: chunks still allocated whose owner is dead, counted
 * per owner pid with the first few addresses. {@code HeapReader.leaks()} would give the same chunks as
 * one list, but a heap of millions of leaked chunks (or a hostile file claiming them) would make that
 * list, and every {@code ChunkInfo} in it, live at once; here memory grows with the dead pids only,
 * and beyond {@link #MAX_PIDS} of them the rest are counted together.
 */
public final class LeakReport
{
    /** Addresses kept per pid: enough to start looking, few enough for one line. */
    public static final int FIRST_ADDRESSES = 5;
    /** Distinct dead owners counted one by one; a real heap has a handful, a hostile file may claim millions. */
    static final int MAX_PIDS = 1024;

    /** One dead owner's leaks; {@code pid} is -1 for the owners beyond {@link #MAX_PIDS}, counted together. */
    public static final class Owner
    {
        private final long pid;
        private long chunks;
        private long bytes;
        private long requestedBytes;
        private final List<Long> firstAddresses = new ArrayList<>(FIRST_ADDRESSES);

        Owner(final long pid)
        {
            this.pid = pid;
        }

        void add(final ChunkInfo chunk)
        {
            chunks++;
            bytes += chunk.chunkSize();
            requestedBytes += Math.max(0, chunk.requestedSize());
            if (firstAddresses.size() < FIRST_ADDRESSES)
            {
                firstAddresses.add(chunk.address());
            }
        }

        public long pid()
        {
            return pid;
        }

        public boolean isOthers()
        {
            return pid < 0;
        }

        public long chunks()
        {
            return chunks;
        }

        public long bytes()
        {
            return bytes;
        }

        public long requestedBytes()
        {
            return requestedBytes;
        }

        public List<Long> firstAddresses()
        {
            return firstAddresses;
        }
    }

    private final Map<Long, Owner> owners = new HashMap<>();
    private Owner others;
    private long chunks;
    private long bytes;
    private long requestedBytes;
    /** The widest values seen, for the columns of {@code --leaks}, printed as the chunks come in a second walk. */
    private long maxPid;
    private long maxChunkSize;
    private long maxRequested;
    private long maxGeneration;
    private int maxSizeClass;

    /** Walks {@code heap}'s chunks once. */
    public static LeakReport of(final HeapView heap)
    {
        final LeakReport report = new LeakReport();
        heap.reader().forEachChunk(chunk ->
        {
            if (heap.isLeaked(chunk))
            {
                report.add(chunk);
            }
        });
        return report;
    }

    void add(final ChunkInfo chunk)
    {
        chunks++;
        bytes += chunk.chunkSize();
        requestedBytes += Math.max(0, chunk.requestedSize());
        maxPid = Math.max(maxPid, chunk.ownerPid());
        maxChunkSize = Math.max(maxChunkSize, chunk.chunkSize());
        maxRequested = Math.max(maxRequested, chunk.requestedSize());
        maxGeneration = Math.max(maxGeneration, chunk.generationUnsigned());
        maxSizeClass = Math.max(maxSizeClass, chunk.sizeClass());
        final long pid = chunk.ownerPid();
        final Owner owner = owners.containsKey(pid) || owners.size() < MAX_PIDS ?
            owners.computeIfAbsent(pid, Owner::new) :
            others();
        owner.add(chunk);
    }

    private Owner others()
    {
        if (others == null)
        {
            others = new Owner(-1);
        }
        return others;
    }

    /** The owners, most chunks first (then by pid), and the ones beyond the cap last, together. */
    public List<Owner> owners()
    {
        final List<Owner> sorted = new ArrayList<>(owners.values());
        sorted.sort(Comparator.comparingLong(Owner::chunks).reversed().thenComparingLong(Owner::pid));
        if (others != null)
        {
            sorted.add(others);
        }
        return sorted;
    }

    /** Dead owners counted one by one: all of them unless {@link #capped()}. */
    public int pids()
    {
        return owners.size();
    }

    /** Whether there were more dead owners than {@link #MAX_PIDS}: the rest are one {@link Owner#isOthers()} entry. */
    public boolean capped()
    {
        return others != null;
    }

    public long chunks()
    {
        return chunks;
    }

    public long bytes()
    {
        return bytes;
    }

    public long requestedBytes()
    {
        return requestedBytes;
    }

    public long maxPid()
    {
        return maxPid;
    }

    public long maxChunkSize()
    {
        return maxChunkSize;
    }

    public long maxRequested()
    {
        return maxRequested;
    }

    public long maxGeneration()
    {
        return maxGeneration;
    }

    public int maxSizeClass()
    {
        return maxSizeClass;
    }
}
