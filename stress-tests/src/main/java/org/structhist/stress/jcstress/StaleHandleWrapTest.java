package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.structhist.HistoryList;
import org.structhist.format.HandleDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.Incarnation;
import org.structhist.stress.StressVerb;

import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Invariant 2: a push that wraps the window races a log through the handle of the slot's previous
 * occupant. The state has a list of window 1 to itself (a lane), with one object in it that has one
 * event. actor1 pushes a new object, which takes the slot, and logs two events to it; actor2 logs
 * through the old handle. The stale event may land in the old incarnation (its claim came first) or be
 * refused and counted; it must never be shown in the new incarnation.
 * <p>
 * Result: (new incarnation's position 0, its position 1, stale events counted by the list, by the slot).
 * Position codes: 1 actor1's event, valid; 2 not valid (IN_FLIGHT); 3 CHECKSUM_MISMATCH; 4 CORRUPT; -1 the stale
 * event shown as valid; -2 a valid event with other fields; 0 missing; -9 the new incarnation does not
 * hold exactly actor1's two claims; -100 harness: the lane was used by another state.
 */
@JCStressTest
@Description("Push (window wrap) vs a log through a stale handle: the event never lands in the new incarnation")
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE,
    desc = "the stale log claimed its position before the push: it belongs to the old incarnation")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE,
    desc = "the stale log came after the push: refused, counted by the list and the slot")
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE_INTERESTING,
    desc = "refused and counted by the list; the slot's count was reset by the push finishing after the refusal " +
        "(the push zeroes Stale Events Dropped after its state CAS: FORMAT.md, Known limitations)")
@Outcome(id = "1, [23], 0, 0", expect = ACCEPTABLE_INTERESTING,
    desc = "the stale writer claimed before the push and wrote its record late, over the new occupant's event 1: " +
        "that event is lost and shown as not valid, never the stale one (FORMAT.md, Known limitations)")
@Outcome(id = "-1, .*|.*, -1, .*", expect = FORBIDDEN, desc =
"the stale event shown as an event of the new incarnation")
@Outcome(id = "-2, .*|.*, -2, .*", expect = FORBIDDEN, desc = "a valid event with fields of neither")
@Outcome(id = "-9, .*", expect = FORBIDDEN, desc = "the stale log claimed a position of the new incarnation")
@Outcome(id = "-100, .*", expect = FORBIDDEN, desc = "harness: the lane was pushed by someone else")
@Outcome(expect = FORBIDDEN, desc = "anything else: an event of actor1 lost without a stale writer, a count wrong")
@State
public class StaleHandleWrapTest
{
    static final String NEW_FORMAT = "new %d";
    static final String STALE_FORMAT = "stale %d";

    private final Fixture.Lane lane = Fixture.Lanes.take();
    private final HistoryList list = lane.list;
    private final long oldHandle = list.pushHandle(0x01D);
    private final long staleBefore = lane.staleEventsDropped();
    private long newHandle;

    public StaleHandleWrapTest()
    {
        list.log(oldHandle, StressVerb.OLD, "born %d", 0);
    }

    @Actor
    public void pusher()
    {
        newHandle = list.pushHandle(0x2E3);
        list.log(newHandle, StressVerb.WRITE, NEW_FORMAT, 0);
        list.log(newHandle, StressVerb.WRITE, NEW_FORMAT, 1);
    }

    @Actor
    public void staleLogger()
    {
        list.log(oldHandle, StressVerb.STALE, STALE_FORMAT, 99);
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        try
        {
            final List<Incarnation> incarnations = lane.reader().incarnations(lane.info);
            if (incarnations.size() != 1 || incarnations.get(0).pushNumber() !=
                HandleDescriptor.pushNumber(newHandle) ||
                !incarnations.get(0).headerValid() || incarnations.get(0).address() != 0x2E3)
            {
                r.r1 = -100;
                return;
            }
            final Incarnation incarnation = incarnations.get(0);
            if (incarnation.eventCount() != 2)
            {
                r.r1 = -9;
                return;
            }
            final List<Event> events = lane.reader().events(incarnation);
            r.r1 = code(events, 0);
            r.r2 = code(events, 1);
            r.r3 = (int)(lane.staleEventsDropped() - staleBefore);
            r.r4 = (int)incarnation.staleEventsDropped();
        }
        finally
        {
            Fixture.Lanes.give(lane);
        }
    }

    private static int code(final List<Event> events, final int position)
    {
        for (final Event event : events)
        {
            if (event.position() != position)
            {
                continue;
            }
            if (event.status() == EventStatus.IN_FLIGHT || event.status() == EventStatus.TORN)
            {
                return 2;
            }
            if (event.status() == EventStatus.CHECKSUM_MISMATCH)
            {
                return 3;
            }
            if (event.status() == EventStatus.CORRUPT)
            {
                return 4;
            }
            if (STALE_FORMAT.equals(event.format()) || StressVerb.STALE.name().equals(event.verb()))
            {
                return -1;
            }
            final boolean ours = NEW_FORMAT.equals(event.format()) && StressVerb.WRITE.name().equals(event.verb()) &&
                event.args().length == 1 && event.args()[0] == position;
            return ours ? 1 : -2;
        }
        return 0;
    }
}
