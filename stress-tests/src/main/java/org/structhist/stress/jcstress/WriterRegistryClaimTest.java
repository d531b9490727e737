package org.structhist.stress.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.structhist.format.WriterRegistryDescriptor;
import org.structhist.internal.WriterRegistry;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two processes register in the writer registry at once (the registry has two free entries). Each claims
 * an entry by a CAS of its Pid from 0; they must get different entries, each holding its own pid. The
 * pids are above any Linux pid_max, so no live process is mistaken for them. Result: (actor1's entry,
 * actor2's entry, pid in entry 0 is one of them, pid in entry 1 is the other), from the arbiter.
 */
@JCStressTest
@Description("Writer registry: two registrations at once get different entries")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "actor1 got entry 0, actor2 entry 1")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "actor2 got entry 0, actor1 entry 1")
@Outcome(expect = FORBIDDEN, desc = "both in one entry, an entry lost, or a pid not where its process thinks")
@State
public class WriterRegistryClaimTest
{
    static final long PID_A = 5_000_001L;
    static final long PID_B = 5_000_002L;

    private final Fixture.Slice slice = Fixture.Slices.take();
    private WriterRegistry a;
    private WriterRegistry b;

    @Actor
    public void actor1()
    {
        a = WriterRegistry.register(slice.buffer, Fixture.Slices.LAYOUT, PID_A, 1, 1, 1, 1);
    }

    @Actor
    public void actor2()
    {
        b = WriterRegistry.register(slice.buffer, Fixture.Slices.LAYOUT, PID_B, 2, 2, 2, 2);
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        final int base = Fixture.Slices.LAYOUT.writerRegistryOffset;
        r.r1 = (a.claimedEntryOffset() - base) / WriterRegistryDescriptor.ENTRY_LENGTH;
        r.r2 = (b.claimedEntryOffset() - base) / WriterRegistryDescriptor.ENTRY_LENGTH;
        final long pidAtA = slice.buffer.getLongVolatile(a.claimedEntryOffset() + WriterRegistryDescriptor.PID_OFFSET);
        final long pidAtB = slice.buffer.getLongVolatile(b.claimedEntryOffset() + WriterRegistryDescriptor.PID_OFFSET);
        final boolean settledA =
            slice.buffer.getIntVolatile(a.claimedEntryOffset() + WriterRegistryDescriptor.STATE_OFFSET) ==
            WriterRegistryDescriptor.STATE_ATTACHED;
        final boolean settledB =
            slice.buffer.getIntVolatile(b.claimedEntryOffset() + WriterRegistryDescriptor.STATE_OFFSET) ==
            WriterRegistryDescriptor.STATE_ATTACHED;
        r.r3 = pidAtA == PID_A && settledA ? 1 : 0;
        r.r4 = pidAtB == PID_B && settledB ? 1 : 0;
        Fixture.Slices.give(slice);
    }
}
