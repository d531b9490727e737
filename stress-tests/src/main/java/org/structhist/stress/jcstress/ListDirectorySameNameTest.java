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
 * Two writers of one process create the same list at once, each through its own {@link ListDirectory}
 * (what two {@code HistoryFile} instances of one file do: the same file opened under two paths, such as
 * a symlink). The directory entry is claimed with a CAS from FREE to minus the pid; the other must wait
 * for READY and then find the name. Result: (actor1's index, actor2's index, data region reservations
 * made, whether both got the region the entry names), from the arbiter.
 */
@JCStressTest
@Description("List directory: two actors creating the same list name get the same index and one region")
@Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "one created the list, the other found it")
@Outcome(id = "0, 0, 2, .*", expect = FORBIDDEN,
    desc = "both created it in the same entry: two regions reserved, one of them written by a writer no reader sees")
@Outcome(expect = FORBIDDEN, desc = "two entries for one name, or a region other than the entry's")
@State
public class ListDirectorySameNameTest
{
    private final Fixture.Slice slice = Fixture.Slices.take();
    private final ListDirectory one = DirectoryTests.directory(slice);
    private final ListDirectory two = DirectoryTests.directory(slice);
    private ListDirectory.Entry a;
    private ListDirectory.Entry b;

    @Actor
    public void actor1()
    {
        a = DirectoryTests.create(one, "conns");
    }

    @Actor
    public void actor2()
    {
        b = DirectoryTests.create(two, "conns");
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r1 = a == null ? -1 : a.index;
        r.r2 = b == null ? -1 : b.index;
        r.r3 = DirectoryTests.reservations(slice);
        r.r4 = a != null && b != null && a.regionOffset == b.regionOffset &&
            a.regionOffset == DirectoryTests.regionOffset(slice, a.index) ? 1 : 0;
        Fixture.Slices.give(slice);
    }
}
