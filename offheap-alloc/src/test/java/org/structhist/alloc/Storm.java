package org.structhist.alloc;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * One thread's share of an allocate/free storm: random sizes, every payload stamped with its owner
 * ({@link Stamp}) and checked before it is freed, a random set kept live. Used by the threads of
 * {@link ThreadStormTest} and by the child processes of the multi-process tests. Not thread-safe: one
 * per thread.
 */
final class Storm
{
    private final SharedHeap heap;
    private final long pid;
    private final int thread;
    private final SplittableRandom random;
    private final int maxLive;
    /** Addresses held by every storm of this process: a second owner of one address fails its add. */
    private final Set<Long> heldInProcess;
    private final long[] addresses;
    private final long[] sizes;
    private final long[] tags;
    private int live;
    private long sequence;
    private long allocations;
    private long frees;

    Storm(final SharedHeap heap, final long pid, final int thread, final long seed, final int maxLive,
        final Set<Long> heldInProcess)
    {
        this.heap = heap;
        this.pid = pid;
        this.thread = thread;
        this.random = new SplittableRandom(seed);
        this.maxLive = maxLive;
        this.heldInProcess = heldInProcess;
        this.addresses = new long[maxLive];
        this.sizes = new long[maxLive];
        this.tags = new long[maxLive];
    }

    /**
     * A payload size: mostly small classes, some of the largest small ones, a few of the 64 KiB and
     * 128 KiB large classes, and the occasional 0.
     */
    static long randomSize(final SplittableRandom random)
    {
        final int dice = random.nextInt(1000);
        if (dice < 10)
        {
            return 0;
        }
        if (dice < 700)
        {
            return 1 + random.nextInt(256);
        }
        if (dice < 960)
        {
            return 257 + random.nextInt(4096);
        }
        if (dice < 995)
        {
            return 4353 + random.nextInt(16 * 1024 - 4353 - 48);
        }
        return 16 * 1024 + random.nextInt(100_000);
    }

    /** One allocation or one free, chosen at random while fewer than the most live are held. */
    void step()
    {
        if (live == 0 || live < maxLive && random.nextBoolean())
        {
            allocate();
        }
        else
        {
            free(random.nextInt(live));
        }
    }

    private void allocate()
    {
        final long size = randomSize(random);
        final long address = heap.allocate(size);
        if ((address & 15) != 0)
        {
            throw new AssertionError("allocate(" + size + ") returned 0x" + Long.toHexString(address) +
                ", not 16-aligned");
        }
        if (!heldInProcess.add(address))
        {
            throw new AssertionError("0x" + Long.toHexString(address) + " handed out while another thread holds it");
        }
        final long tag = Stamp.tag(pid, thread, sequence++);
        Stamp.write(heap, address, size, tag);
        addresses[live] = address;
        sizes[live] = size;
        tags[live] = tag;
        live++;
        allocations++;
    }

    private void free(final int i)
    {
        final long address = addresses[i];
        final String broken = Stamp.check(heap, address, sizes[i], tags[i]);
        if (broken != null)
        {
            throw new AssertionError("pid " + pid + " thread " + thread + ": " + broken +
                " (the chunk was handed to someone else too, or written after a free)");
        }
        // Out of the set before the free: after it, another thread may be handed the address at once.
        heldInProcess.remove(address);
        heap.free(address);
        live--;
        addresses[i] = addresses[live];
        sizes[i] = sizes[live];
        tags[i] = tags[live];
        frees++;
    }

    /** Checks every stamp still held; throws on the first broken one. */
    void checkAll()
    {
        for (int i = 0; i < live; i++)
        {
            final String broken = Stamp.check(heap, addresses[i], sizes[i], tags[i]);
            if (broken != null)
            {
                throw new AssertionError("pid " + pid + " thread " + thread + ": " + broken);
            }
        }
    }

    /** Checks and frees everything held. */
    void freeAll()
    {
        while (live > 0)
        {
            free(live - 1);
        }
    }

    int live()
    {
        return live;
    }

    long liveRequestedBytes()
    {
        long sum = 0;
        for (int i = 0; i < live; i++)
        {
            sum += sizes[i];
        }
        return sum;
    }

    long liveAddress(final int i)
    {
        return addresses[i];
    }

    long allocations()
    {
        return allocations;
    }

    long frees()
    {
        return frees;
    }
}
