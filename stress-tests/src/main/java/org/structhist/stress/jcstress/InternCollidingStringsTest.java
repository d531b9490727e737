package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.structhist.internal.StringInterner;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The other side of interning: two different strings with the same hash ("Aa" and "BB": 31 x 65 + 97 =
 * 31 x 66 + 66) race for the same index slot. The loser of the CAS must see that the winner's string
 * is not its own and probe on. Result: (id of "Aa", id of "BB", and what a third interner finds for each
 * afterwards). Entries are 16 bytes: ids are 8 and 24.
 */
@JCStressTest
@Description("Interning two strings with the same hash at once: two ids, both found again")
@Outcome(id = "8, 24, 8, 24", expect = ACCEPTABLE, desc = "\"Aa\" appended first")
@Outcome(id = "24, 8, 24, 8", expect = ACCEPTABLE, desc = "\"BB\" appended first")
@Outcome(expect = FORBIDDEN, desc = "one id for two strings, or an id not found again")
@State
public class InternCollidingStringsTest
{
    private final Fixture.Slice slice = Fixture.Slices.take();
    private final StringInterner one = new StringInterner(slice.buffer, Fixture.Slices.LAYOUT);
    private final StringInterner two = new StringInterner(slice.buffer, Fixture.Slices.LAYOUT);

    @Actor
    public void actor1(final IIII_Result r)
    {
        r.r1 = one.intern("Aa");
    }

    @Actor
    public void actor2(final IIII_Result r)
    {
        r.r2 = two.intern("BB");
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        final StringInterner third = new StringInterner(slice.buffer, Fixture.Slices.LAYOUT);
        r.r3 = third.intern("Aa");
        r.r4 = third.intern("BB");
        Fixture.Slices.give(slice);
    }
}
