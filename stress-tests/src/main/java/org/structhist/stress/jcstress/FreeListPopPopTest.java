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
 * Allocator free list: two allocations pop one size class's Treiber stack at once ({@code FreeLists.pop},
 * what {@code SharedHeap.allocate} does first). The stack holds chunks A, B, C (top first); each pop
 * reads the head and the top chunk's Next and moves the head by one CAS of the tagged head. Result:
 * (actor1's chunk, actor2's chunk, what is left on the stack from the top), chunks numbered A=1, B=2,
 * C=3, 0 for none; the stack is {@link AllocFixture.Stack}'s, private to the state, walked by the arbiter.
 */
@JCStressTest
@Description("Allocator free list: pop vs pop hands out distinct chunks and leaves the rest linked")
@Outcome(id = "1, 2, 3", expect = ACCEPTABLE, desc = "actor1 popped A, then actor2 B; C left on the stack")
@Outcome(id = "2, 1, 3", expect = ACCEPTABLE, desc = "actor2 popped A, then actor1 B; C left on the stack")
@Outcome(id = "1, 1, .*|2, 2, .*", expect = FORBIDDEN,
    desc = "one chunk handed out to both (two pops moved the head from the same top)")
@Outcome(id = ".*, .*, 23|.*, .*, 13|.*, .*, 0", expect = FORBIDDEN,
    desc = "a popped chunk is still on the stack, or C was lost with it")
@Outcome(id = ".*, .*, -.*", expect = FORBIDDEN,
    desc = "the stack links a chunk twice (-2) or something that is not one of its chunks (-1)")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class FreeListPopPopTest
{
    private final AllocFixture.Stack stack = AllocFixture.Stacks.take(1, 2, 3);

    @Actor
    public void actor1(final III_Result r)
    {
        r.r1 = stack.pop();
    }

    @Actor
    public void actor2(final III_Result r)
    {
        r.r2 = stack.pop();
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = stack.contents();
        AllocFixture.Stacks.give(stack);
    }
}
