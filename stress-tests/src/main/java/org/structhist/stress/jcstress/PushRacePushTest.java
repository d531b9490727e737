package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.structhist.HistoryList;
import org.structhist.format.HandleDescriptor;
import org.structhist.reader.Incarnation;

import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Invariants 1 and 2: two pushes race for one slot, one window apart (a lane: a list of window 1, so every
 * push takes the same slot with the next generation). The older push (lower push number) may be overtaken
 * anywhere after its state CAS: the newer push then takes the slot and publishes its header while the
 * older one is still on its way to its header stores. A stale push should not write its header fields
 * over the newer occupant's: the newer incarnation's header should read as valid, with its own address.
 * This is the kill -9 torture's "shared push N (address 0, header invalid)" race, without the kill.
 * <p>
 * The push checks State again right before its header stores, which stops an older push that was overtaken
 * before that check; one overtaken between the check and its stores still mixes its fields in (the header
 * then reads as not valid, never as the wrong object: FORMAT.md, Known limitations). Both are counted here:
 * the interesting outcome is that residue, and its rate is what the check is judged by (benchmarks/RESULTS.md).
 * <p>
 * Result: (the actor whose push holds the slot, its header: 1 valid with its own address and push number,
 * 0 not valid, -1 valid with the other actor's address, -100 harness: the lane was used by someone else).
 */
@JCStressTest
@Description("Push vs push of the same slot one window later: the newer occupant's header is never overwritten")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "actor1's push is the newer: its header is whole")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "actor2's push is the newer: its header is whole")
@Outcome(id = "[12], 0", expect = ACCEPTABLE_INTERESTING,
    desc = "the newer occupant's header is not valid: the older push was overtaken between its State check and its " +
        "header stores and wrote over it (FORMAT.md, Known limitations); without the check, about 5 times as often")
@Outcome(id = "[12], -1", expect = FORBIDDEN, desc = "the newer occupant's header holds the stale push's address")
@Outcome(id = "-100, .*", expect = FORBIDDEN, desc = "harness: the lane was pushed by someone else")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class PushRacePushTest
{
    static final long ADDRESS_1 = 0xA1;
    static final long ADDRESS_2 = 0xA2;

    private final Fixture.Lane lane = Fixture.Lanes.take();
    private final HistoryList list = lane.list;
    private long handle1;
    private long handle2;

    public PushRacePushTest()
    {
        list.pushHandle(0x01D); // an earlier occupant, so the slot's header fields hold something to mix with
    }

    @Actor
    public void actor1()
    {
        handle1 = list.pushHandle(ADDRESS_1);
    }

    @Actor
    public void actor2()
    {
        handle2 = list.pushHandle(ADDRESS_2);
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        try
        {
            final long push1 = HandleDescriptor.pushNumber(handle1);
            final long push2 = HandleDescriptor.pushNumber(handle2);
            final List<Incarnation> incarnations = lane.reader().incarnations(lane.info);
            final long newer = Math.max(push1, push2);
            if (handle1 == 0 || handle2 == 0 || incarnations.size() != 1 || incarnations.get(0).pushNumber() != newer)
            {
                r.r1 = -100;
                return;
            }
            final Incarnation incarnation = incarnations.get(0);
            r.r1 = newer == push1 ? 1 : 2;
            final long address = newer == push1 ? ADDRESS_1 : ADDRESS_2;
            if (!incarnation.headerValid())
            {
                r.r2 = 0;
            }
            else
            {
                r.r2 = incarnation.address() == address ? 1 : -1;
            }
        }
        finally
        {
            Fixture.Lanes.give(lane);
        }
    }
}
