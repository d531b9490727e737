package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Allocator free list, the ABA shape: the stack holds A, B, C (top first). actor1 allocates (one pop).
 * actor2 allocates (pop: A), frees a chunk D it held, then frees what it allocated (push D, push A): the
 * top is A again, but A's Next is now D. A pop that read "head A, Next B" before actor2 started and
 * CASes after it finished would, on an untagged head, succeed and set the head to B: D would be lost.
 * The head's tag ({@code TaggedIndex}: one more on every successful CAS) makes that CAS fail and the
 * pop retry. Result: (actor1's chunk, actor2's first pop, the stack from the top after both), A=1, B=2,
 * C=3, D=4.
 */
@JCStressTest
@Description("Allocator free list: pop vs pop+push+push (ABA) loses no chunk")
@Outcome(id = "1, 2, 243", expect = ACCEPTABLE, desc = "actor1 popped A first; actor2 popped B, pushed D, B")
@Outcome(id = "2, 1, 143", expect = ACCEPTABLE, desc = "actor1 popped B between actor2's pop of A and its pushes")
@Outcome(id = "4, 1, 123", expect = ACCEPTABLE, desc = "actor1 popped D between actor2's two pushes")
@Outcome(id = "1, 1, 423", expect = ACCEPTABLE_INTERESTING,
    desc = "actor1 popped A after actor2 had popped it and pushed D and A back (A's second allocation)")
@Outcome(id = "1, 1, 23", expect = FORBIDDEN,
    desc = "ABA: actor1's stale CAS (head A, Next B) succeeded on the re-pushed A: D lost")
@Outcome(id = ".*, .*, -.*", expect = FORBIDDEN,
    desc = "the stack links a chunk twice (-2) or something that is not one of its chunks (-1)")
@Outcome(expect = FORBIDDEN, desc = "anything else: a chunk lost, or handed out and listed")
@State
public class FreeListAbaTest
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
        final int first = stack.pop();
        stack.push(4);
        if (first > 0)
        {
            stack.push(first);
        }
        r.r2 = first;
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = stack.contents();
        AllocFixture.Stacks.give(stack);
    }
}
