package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Allocator: two frees of one chunk at once ({@code SharedHeap.free}), from two processes (two
 * {@code SharedHeap}s on one file), on the fork's heap without a quarantine, so the chunk goes straight
 * back onto its free list. Free moves the chunk's state word from
 * ALLOCATED by one CAS, and only the thread that made that move pushes the chunk: exactly one free
 * succeeds and the other gets a DoubleFreeException. The chunk must be on the free list once; a chunk
 * pushed twice is handed out twice, which the fork's ledger ({@link AllocFixture.Ledger}) catches at any
 * later allocation of any state (r3 = -20). Result: (actor1's free, actor2's free: 1 freed, -2
 * DoubleFreeException, -3 another exception; the chunk when the arbiter looks: 1 free at its generation,
 * 2 allocated again since by another state, negative: wrong).
 */
@JCStressTest
@Description("Allocator: of two frees of one chunk exactly one succeeds, the other is a double free")
@Outcome(id = "1, -2, 1", expect = ACCEPTABLE, desc = "actor1 freed it, actor2's free was a double free; chunk free")
@Outcome(id = "-2, 1, 1", expect = ACCEPTABLE, desc = "actor2 freed it, actor1's free was a double free; chunk free")
@Outcome(id = "1, -2, 2|-2, 1, 2", expect = ACCEPTABLE,
    desc = "the same; the chunk has been allocated again since (by another state's constructor)")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both frees succeeded: the chunk pushed twice")
@Outcome(id = "-2, -2, .*", expect = FORBIDDEN, desc = "neither freed it: a double free reported for a first free")
@Outcome(id = ".*, .*, -1", expect = FORBIDDEN, desc = "a free succeeded but the chunk is still allocated")
@Outcome(id = ".*, .*, -2", expect = FORBIDDEN, desc = "the chunk stuck between allocated and free")
@Outcome(id = ".*, .*, -20", expect = FORBIDDEN,
    desc = "the constructor's allocation returned a chunk another state held: a chunk handed out twice")
@Outcome(expect = FORBIDDEN, desc = "anything else (-3: an exception other than DoubleFreeException)")
@State
public class DoubleFreeTest
{
    private static final AllocFixture.TestHeap HEAP = AllocFixture.Plain.HEAP;

    private final AllocFixture.Held chunk = HEAP.allocate(HEAP.a, 40);

    @Actor
    public void actor1(final III_Result r)
    {
        r.r1 = HEAP.free(HEAP.a, chunk);
    }

    @Actor
    public void actor2(final III_Result r)
    {
        r.r2 = HEAP.free(HEAP.b, chunk);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        if (!chunk.taken)
        {
            r.r3 = AllocFixture.HANDED_OUT_TWICE;
            return;
        }
        final ChunkInfo info = HEAP.chunk(chunk);
        if (info.generation() != chunk.generation)
        {
            r.r3 = 2; // allocated again since: another state's allocation, which the ledger checked
        }
        else
        {
            switch (info.state())
            {
                case ChunkHeaderDescriptor.STATE_FREE: r.r3 = 1; break;
                case ChunkHeaderDescriptor.STATE_ALLOCATED: r.r3 = -1; break;
                case ChunkHeaderDescriptor.STATE_QUARANTINED: r.r3 = -2; break;
                default: r.r3 = -4;
            }
        }
    }
}
