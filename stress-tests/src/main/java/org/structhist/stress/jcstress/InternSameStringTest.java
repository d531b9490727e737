package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.structhist.internal.StringInterner;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Invariant 5: two writers (each with its own {@link StringInterner}, as two processes have) intern the
 * same new string into one empty string table at once. Both may append an entry; only one CAS into the
 * index wins, and the loser must take the winner's id. Result: (actor1's id, actor2's id, the id a third
 * interner finds afterwards). The string's entry is 24 bytes, so ids are 8 (first entry) or 32.
 */
@JCStressTest
@Description("Interning the same string from two actors: one id")
@Outcome(id = "8, 8, 8", expect = ACCEPTABLE, desc = "one id; the entry appended first won the index")
@Outcome(id = "32, 32, 32", expect = ACCEPTABLE_INTERESTING,
    desc = "one id; both appended and the second entry won the index (the first stays, unreferenced)")
@Outcome(expect = FORBIDDEN, desc = "two ids for one string, or an id nobody can find again")
@State
public class InternSameStringTest
{
    static final String VALUE = "TCP_REF conn %d";

    private final Fixture.Slice slice = Fixture.Slices.take();
    private final StringInterner one = new StringInterner(slice.buffer, Fixture.Slices.LAYOUT);
    private final StringInterner two = new StringInterner(slice.buffer, Fixture.Slices.LAYOUT);

    @Actor
    public void actor1(final III_Result r)
    {
        r.r1 = one.intern(VALUE);
    }

    @Actor
    public void actor2(final III_Result r)
    {
        r.r2 = two.intern(VALUE);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = new StringInterner(slice.buffer, Fixture.Slices.LAYOUT).intern(VALUE);
        Fixture.Slices.give(slice);
    }
}
