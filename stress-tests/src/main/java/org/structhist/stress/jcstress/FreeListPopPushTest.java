package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Allocator free list: an allocation pops a size class's Treiber stack while a free pushes a chunk onto
 * it ({@code FreeLists.pop} vs {@code FreeLists.push}). The stack holds A, B (top first); actor2 frees C.
 * The push links C to the head it read (a plain store, published by its CAS) and swings the head to C;
 * the pop swings the head from the top to the top's Next. Whichever CAS comes second must see the first.
 * Result: (the chunk actor1 popped, the stack from the top after both), A=1, B=2, C=3: every chunk must
 * be either handed out or on the stack, once.
 */
@JCStressTest
@Description("Allocator free list: pop vs push loses no chunk and hands none out twice")
@Outcome(id = "1, 32", expect = ACCEPTABLE, desc = "the pop first took A; then C was pushed onto B")
@Outcome(id = "3, 12", expect = ACCEPTABLE, desc = "the push first; the pop took C back at once")
@Outcome(id = "1, 2", expect = FORBIDDEN, desc = "C lost: the pop's CAS wiped out the push (C is nowhere)")
@Outcome(id = "1, 312|1, 31.*", expect = FORBIDDEN,
    desc = "A handed out and still on the stack: the push linked C to the head the pop had just taken")
@Outcome(id = ".*, -.*", expect = FORBIDDEN,
    desc = "the stack links a chunk twice (-2) or something that is not one of its chunks (-1)")
@Outcome(expect = FORBIDDEN, desc = "anything else: a chunk lost, or handed out and listed")
@State
public class FreeListPopPushTest
{
    private final AllocFixture.Stack stack = AllocFixture.Stacks.take(1, 2);

    @Actor
    public void actor1(final II_Result r)
    {
        r.r1 = stack.pop();
    }

    @Actor
    public void actor2()
    {
        stack.push(3);
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r2 = stack.contents();
        AllocFixture.Stacks.give(stack);
    }
}
