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
 * RefCount: two refs at once, one per process, of a struct with count 2. Each increments by CAS from
 * the count it read: no increment may be lost. Result: (actor1's new count, actor2's new count, the
 * struct when the arbiter looks: 1 live with count 4, then destroyed by exactly four unrefs; else a
 * negative code).
 */
@JCStressTest
@Description("RefCount: ref vs ref from count 2, no lost update")
@Outcome(id = "3, 4, 1", expect = ACCEPTABLE, desc = "actor1 first (3), then actor2 (4)")
@Outcome(id = "4, 3, 1", expect = ACCEPTABLE, desc = "actor2 first (3), then actor1 (4)")
@Outcome(id = "3, 3, .*|4, 4, .*", expect = FORBIDDEN, desc = "both saw the same count: an increment lost")
@Outcome(id = "-.*, .*, .*|.*, -.*, .*", expect = FORBIDDEN, desc = "a ref of a live struct was refused or failed")
@Outcome(id = ".*, .*, -2", expect = FORBIDDEN, desc = "the struct lives with a count other than 4")
@Outcome(id = ".*, .*, -2[0-3]", expect = FORBIDDEN,
    desc = "-20 handed out twice, -22 four unrefs did not destroy and free it exactly, -23 reused early")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class RefRefTest
{
    private static final AllocFixture.TestHeap HEAP = AllocFixture.Quarantined.HEAP;

    private final AllocFixture.Held struct = HEAP.create();

    public RefRefTest()
    {
        HEAP.refs.ref(struct.address, "second owner");
    }

    @Actor
    public void processA(final III_Result r)
    {
        r.r1 = AllocFixture.TestHeap.ref(HEAP.refs, struct);
    }

    @Actor
    public void processB(final III_Result r)
    {
        r.r2 = AllocFixture.TestHeap.ref(HEAP.refsB, struct);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = RefUnrefLastTest.check(HEAP, struct, 4);
    }
}
