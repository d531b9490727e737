package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.structhist.HistoryList;
import org.structhist.reader.Event;
import org.structhist.reader.Incarnation;
import org.structhist.stress.StressVerb;

import java.util.Optional;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Invariant 1: a reader racing the writer of one event sees nothing, or the event complete. The state's
 * object takes a slot whose two records still hold committed events of the slot's previous incarnation
 * (other arguments, other verb and format), so a reader that trusted a record without its stamp, or
 * mixed a copy of old and new fields, would show them. Result: (what actor2 read of position 0 while
 * actor1 logged it, what the arbiter reads afterwards).
 * <p>
 * Codes: 0 nothing (position not claimed yet), 1 claimed but not committed (IN_FLIGHT: not an event),
 * 2 the complete event; -1 a valid event with a mix of fields, -2 the previous incarnation's event shown
 * as this one's, -3 checksum mismatch, -4 torn, -5 corrupt.
 */
@JCStressTest
@Description("Writer vs reader of one event: nothing or the complete event, never a mix, never the " +
    "slot's previous occupant")
@Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "the reader came before the claim: nothing to read")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc =
    "claimed, not yet committed: the reader says in flight, shows no event")
@Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "the reader came after the commit: the complete event")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "a mix of fields passed off as a valid event")
@Outcome(id = "-2, .*", expect = FORBIDDEN, desc = "the previous incarnation's event shown as this one's")
@Outcome(id = "-3, .*|-4, .*|-5, .*", expect = FORBIDDEN, desc =
    "checksum mismatch, torn or corrupt without any stray write")
@Outcome(id = ".*, [^2]|.*, -.*", expect = FORBIDDEN, desc = "after both actors the event is not complete")
@Outcome(id = "-100, .*", expect = FORBIDDEN, desc =
    "harness: the state's slot was pushed again before its arbiter ran")
@State
public class WriterReaderTest
{
    private final HistoryList list = Fixture.Main.READS;
    private final long handle = list.pushHandle(0xAEAD);
    private final long a = handle;
    private final long b = ~handle;
    private final long c = handle * 31;
    private final Incarnation incarnation = Fixture.Main.reader().incarnation(handle).orElse(null);

    @Actor
    public void writer()
    {
        list.log(handle, StressVerb.WRITE, Fixture.THREE_ARGS, a, b, c);
    }

    @Actor
    public void reader(final II_Result r)
    {
        r.r1 = incarnation == null ? -100 : classify(Fixture.Main.reader().event(incarnation, 0));
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r2 = incarnation == null ? -100 : classify(Fixture.Main.reader().event(incarnation, 0));
    }

    private int classify(final Optional<Event> read)
    {
        if (read.isEmpty())
        {
            return 0;
        }
        final Event event = read.get();
        switch (event.status())
        {
            case IN_FLIGHT: return 1;
            case CHECKSUM_MISMATCH: return -3;
            case TORN: return -4;
            case CORRUPT: return -5;
            default: break;
        }
        final long[] args = event.args();
        final boolean ours = args.length == 3 && args[0] == a && args[1] == b && args[2] == c &&
            StressVerb.WRITE.name().equals(event.verb()) && Fixture.THREE_ARGS.equals(event.format()) &&
            event.pid() == ProcessHandle.current().pid();
        if (ours)
        {
            return 2;
        }
        final boolean whole = args.length == 3 && args[1] == ~args[0] && args[2] == args[0] * 31 &&
            StressVerb.WRITE.name().equals(event.verb()) && Fixture.THREE_ARGS.equals(event.format());
        final boolean old = args.length == 3 && StressVerb.OLD.name().equals(event.verb()) &&
            Fixture.OLD_FORMAT.equals(event.format());
        // A whole event of an earlier state, or one of the events the slots were filled with: stale.
        return whole || old ? -2 : -1;
    }
}
