package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.structhist.alloc.RefCount;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * RefCount: a ref races the last unref. The struct has count 1; actor1 (process A) refs it while actor2
 * (process B) drops the last reference. ref increments by CAS but refuses from 0; the unref that takes
 * the count to 0 destroys the struct and frees its chunk. Either the ref wins (count 2, the unref leaves
 * 1 and nothing is destroyed) or the unref does (the struct is destroyed and freed, and the ref, which
 * then reads 0, is refused with a RefcountException and parks the count at RefCount.SATURATED). The heap
 * has a quarantine, so the freed chunk is still marked freed, with the count where the ref left it, when
 * the arbiter looks. Result: (the ref's new count or -1 refused; the unref's new count, or -1 refused, -2
 * its free was a double free; the struct: 1 live with count 1, 2 freed with the count saturated, else a
 * negative code).
 */
@JCStressTest
@Description("RefCount: ref vs last unref, no ref after destroy")
@Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "the ref won: count 2, then 1; the struct lives")
@Outcome(id = "-1, 0, 2", expect = ACCEPTABLE,
    desc = "the unref won: destroyed and freed; the ref refused (RefcountException), count saturated")
@Outcome(id = "2, 0, .*", expect = FORBIDDEN, desc = "a ref succeeded on a struct the unref destroyed (lost update)")
@Outcome(id = "-1, 1, .*", expect = FORBIDDEN, desc = "the ref was refused although the struct lived on")
@Outcome(id = ".*, -2, .*", expect = FORBIDDEN, desc = "the destroy's free was a double free")
@Outcome(id = ".*, .*, -1", expect = FORBIDDEN, desc = "count 0 with the chunk still allocated (destroyed, not freed)")
@Outcome(id = ".*, .*, -2", expect = FORBIDDEN, desc = "the struct lives with a count other than 1")
@Outcome(id = ".*, .*, -3", expect = FORBIDDEN, desc = "freed with a count neither saturated nor 0")
@Outcome(id = ".*, .*, 3", expect = FORBIDDEN, desc = "freed with count 0: the refused ref did not saturate it")
@Outcome(id = ".*, .*, -2[0-3]", expect = FORBIDDEN,
    desc = "-20 handed out twice, -22 the arbiter's last unref failed, -23 the chunk reused before the arbiter")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class RefUnrefLastTest
{
    private static final AllocFixture.TestHeap HEAP = AllocFixture.Quarantined.HEAP;

    private final AllocFixture.Held struct = HEAP.create();

    @Actor
    public void processA(final III_Result r)
    {
        r.r1 = AllocFixture.TestHeap.ref(HEAP.refs, struct);
    }

    @Actor
    public void processB(final III_Result r)
    {
        r.r2 = HEAP.unref(HEAP.refsB, struct);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = check(HEAP, struct, 1);
    }

    /**
     * The struct after the race: 1 live with {@code liveCount} (then released by unrefs), 2 freed with
     * the count saturated, 3 freed with count 0; -1 count 0 but still allocated, -2 live with another
     * count, -3 freed with another count; -20, -22, -23 from {@link AllocFixture}.
     */
    static int check(final AllocFixture.TestHeap heap, final AllocFixture.Held struct, final int liveCount)
    {
        if (!struct.taken)
        {
            return AllocFixture.HANDED_OUT_TWICE;
        }
        final ChunkInfo info = heap.chunk(struct);
        final int count = heap.refs.count(struct.address);
        if (info.generation() != struct.generation)
        {
            return AllocFixture.REUSED_EARLY;
        }
        if (info.isAllocated())
        {
            if (count == 0)
            {
                return -1;
            }
            if (count != liveCount)
            {
                return -2;
            }
            final int released = heap.release(struct, count);
            return released == 0 ? 1 : released;
        }
        if (info.state() == ChunkHeaderDescriptor.STATE_QUARANTINED)
        {
            return count == RefCount.SATURATED ? 2 : count == 0 ? 3 : -3;
        }
        return info.state() == ChunkHeaderDescriptor.STATE_FREE ? AllocFixture.REUSED_EARLY : -4;
    }
}
