package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Allocator, two processes: process A (one {@code SharedHeap}) allocates while process B (another
 * {@code SharedHeap} on the same file, sharing nothing with A but the mapping) frees a chunk A allocated
 * earlier, of the same size class. A's allocate pops the class's free list, or carves a page when it is
 * empty; B's free moves the chunk's state word by CAS and pushes it. The free list and the chunk headers
 * in the file are all the two share. Every state races on the fork's one heap, so A's allocation may
 * come from B's free of this state, of another state, or from a fresh page; the fork's ledger
 * ({@link AllocFixture.Ledger}) checks that none is handed out while another allocation holds it.
 * Result: (A got: 1 the chunk B was freeing, 2 another; B's free: 1 freed, -2 double free, -3 exception;
 * the arbiter's check and recycling of A's chunk: 0, or a negative code of {@link AllocFixture}).
 */
@JCStressTest
@Description("Allocator: allocate in one process vs free in another, through two SharedHeaps on one file")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "B freed the chunk, A allocated it again at once")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "B freed the chunk, A got another one")
@Outcome(id = ".*, -.*, .*", expect = FORBIDDEN, desc = "B's free of a live chunk was refused or failed")
@Outcome(id = ".*, .*, -20", expect = FORBIDDEN,
    desc = "an allocation returned a chunk another allocation still held: handed out twice")
@Outcome(id = ".*, .*, -21", expect = FORBIDDEN,
    desc = "A's chunk is no longer allocated at the generation A's allocation saw (freed or reused under it)")
@Outcome(id = ".*, .*, -22", expect = FORBIDDEN, desc = "the arbiter's free of A's chunk was refused")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class TwoHeapsAllocFreeTest
{
    private static final AllocFixture.TestHeap HEAP = AllocFixture.Plain.HEAP;
    private static final int SIZE = 40;

    private final AllocFixture.Held freed = HEAP.allocate(HEAP.a, SIZE);
    private AllocFixture.Held allocated;

    @Actor
    public void processA(final III_Result r)
    {
        allocated = HEAP.allocate(HEAP.a, SIZE);
        r.r1 = allocated.address == freed.address ? 1 : 2;
    }

    @Actor
    public void processB(final III_Result r)
    {
        r.r2 = HEAP.free(HEAP.b, freed);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = freed.taken ? HEAP.recycle(allocated) : AllocFixture.HANDED_OUT_TWICE;
    }
}
