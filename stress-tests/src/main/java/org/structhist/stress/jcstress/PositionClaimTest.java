package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.structhist.HistoryList;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.stress.StressVerb;

import java.util.List;
import java.util.Optional;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Invariant 3: two threads log to one object at once. Each claims its event position with a CAS on the
 * slot's state word ({@code HistoryList.claimPosition}) and commits its record with a release store of
 * the stamp. Result: (positions claimed, argument of the event at position 0, argument at position 1),
 * read by the arbiter through HistoryReader, so the events must also pass the stamp and checksum checks.
 */
@JCStressTest
@Description("Two log calls on one History at once: distinct positions, both events readable")
@Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "actor1 claimed position 0, actor2 position 1; both events valid")
@Outcome(id = "2, 2, 1", expect = ACCEPTABLE, desc = "actor2 claimed position 0, actor1 position 1; both events valid")
@Outcome(id = "1, .*", expect = FORBIDDEN,
    desc = "both claimed the same position: one event overwrote the other (a lost claim)")
@Outcome(id = "2, 1, 1|2, 2, 2", expect = FORBIDDEN, desc = "one event shown twice, the other lost")
@Outcome(id = "2, -.*|2, .*, -.*", expect = FORBIDDEN,
    desc = "a claimed event is not valid (negative: -1 in flight, -2 torn, -3 checksum mismatch, -4 " +
        "corrupt, -5 wrong fields)")
@Outcome(id = "-100, .*", expect = FORBIDDEN, desc =
"harness: the state's slot was pushed again before its arbiter ran")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class PositionClaimTest
{
    static final String FORMAT = "claim %d";

    private final HistoryList list = Fixture.Main.CLAIMS;
    private final long handle = list.pushHandle(0xC1A1L);

    @Actor
    public void actor1()
    {
        list.log(handle, StressVerb.WRITE, FORMAT, 1);
    }

    @Actor
    public void actor2()
    {
        list.log(handle, StressVerb.WRITE, FORMAT, 2);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        final HistoryReader reader = Fixture.Main.reader();
        final Optional<Incarnation> incarnation = reader.incarnation(handle);
        if (incarnation.isEmpty())
        {
            r.r1 = -100;
            return;
        }
        r.r1 = incarnation.get().eventCount();
        final List<Event> events = reader.events(incarnation.get());
        r.r2 = argument(events, 0);
        r.r3 = argument(events, 1);
    }

    /** The argument of the event at {@code position}, or a negative code for what it is instead, 0 if absent. */
    static int argument(final List<Event> events, final int position)
    {
        for (final Event event : events)
        {
            if (event.position() == position)
            {
                if (event.status() != EventStatus.VALID)
                {
                    return statusCode(event.status());
                }
                if (!FORMAT.equals(event.format()) || !StressVerb.WRITE.name().equals(event.verb()) ||
                    event.args().length != 1)
                {
                    return -5;
                }
                return (int)event.args()[0];
            }
        }
        return 0;
    }

    static int statusCode(final EventStatus status)
    {
        switch (status)
        {
            case IN_FLIGHT: return -1;
            case TORN: return -2;
            case CHECKSUM_MISMATCH: return -3;
            case CORRUPT: return -4;
            default: return 0;
        }
    }
}
