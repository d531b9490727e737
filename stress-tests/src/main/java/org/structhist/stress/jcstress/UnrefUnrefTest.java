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
 * RefCount: the last two owners, one per process, unref a struct with count 2 at once. Each decrements
 * by CAS; the one that takes the count to 0 destroys the struct and frees its chunk. Exactly one may
 * destroy it: none would leak it, two would free it twice. The heap has a quarantine, so the chunk is
 * still marked freed when the arbiter looks. Result: (actor1's new count, actor2's new count: -1 refused,
 * -2 its free was a double free; the struct: 3 freed with count 0, else a negative code).
 */
@JCStressTest
@Description("RefCount: unref vs unref from count 2, exactly one destroy")
@Outcome(id = "1, 0, 3", expect = ACCEPTABLE, desc = "actor1 first (1), actor2 destroyed and freed it")
@Outcome(id = "0, 1, 3", expect = ACCEPTABLE, desc = "actor2 first (1), actor1 destroyed and freed it")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both saw count 2: a decrement lost, the struct never destroyed")
@Outcome(id = "0, 0, .*|0, -2, .*|-2, 0, .*", expect = FORBIDDEN, desc = "two destroys: the struct freed twice")
@Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "the struct still lives after both unrefs (leaked)")
@Outcome(id = ".*, .*, -1", expect = FORBIDDEN, desc = "count 0 with the chunk still allocated (destroyed, not freed)")
@Outcome(id = ".*, .*, 2|.*, .*, -3", expect = FORBIDDEN, desc = "freed with a count other than 0")
@Outcome(id = ".*, .*, -2[0-3]", expect = FORBIDDEN,
    desc = "-20 handed out twice, -22 the arbiter's unrefs of a leaked struct failed, -23 reused early")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class UnrefUnrefTest
{
    private static final AllocFixture.TestHeap HEAP = AllocFixture.Quarantined.HEAP;

    private final AllocFixture.Held struct = HEAP.create();

    public UnrefUnrefTest()
    {
        HEAP.refs.ref(struct.address, "second owner");
    }

    @Actor
    public void processA(final III_Result r)
    {
        r.r1 = HEAP.unref(HEAP.refs, struct);
    }

    @Actor
    public void processB(final III_Result r)
    {
        r.r2 = HEAP.unref(HEAP.refsB, struct);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = RefUnrefLastTest.check(HEAP, struct, 1);
    }
}
