package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.structhist.internal.ListDirectory;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Like {@link ListDirectorySameNameTest}, with two different names: they must get two entries, each
 * named as its creator asked, with a region of its own. Result: (actor1's index, actor2's index, whether
 * entry of actor1 is named "a" and actor2's "b" in the file, data region reservations).
 */
@JCStressTest
@Description("List directory: two actors creating different lists at once get different entries")
@Outcome(id = "0, 1, 1, 2", expect = ACCEPTABLE, desc = "actor1 claimed entry 0, actor2 entry 1")
@Outcome(id = "1, 0, 1, 2", expect = ACCEPTABLE, desc = "actor2 claimed entry 0, actor1 entry 1")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN,
    desc = "both lists in one entry: one list's events go to a region under the other's name")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class ListDirectoryTwoNamesTest
{
    private final Fixture.Slice slice = Fixture.Slices.take();
    private final ListDirectory one = DirectoryTests.directory(slice);
    private final ListDirectory two = DirectoryTests.directory(slice);
    private ListDirectory.Entry a;
    private ListDirectory.Entry b;

    @Actor
    public void actor1()
    {
        a = DirectoryTests.create(one, "a");
    }

    @Actor
    public void actor2()
    {
        b = DirectoryTests.create(two, "b");
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r1 = a == null ? -1 : a.index;
        r.r2 = b == null ? -1 : b.index;
        r.r3 = a != null && b != null && "a".equals(DirectoryTests.name(slice, a.index)) &&
            "b".equals(DirectoryTests.name(slice, b.index)) ? 1 : 0;
        r.r4 = DirectoryTests.reservations(slice);
        Fixture.Slices.give(slice);
    }
}
