package org.structhist.bench;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.structhist.format.EventChecksum;
import org.structhist.format.EventDescriptor;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The least an event can cost while keeping invariants 1 to 3 of docs/DESIGN.md: claim a position by one CAS
 * on a state word (a stale handle must not claim, and no lock), open the record (stamp 0), write its 40-byte
 * header and three arguments, the checksum over them, and release-store the stamp. Nothing else: no handle
 * check, no slot arithmetic, no id lookups, no Claimed Ref Delta, no fault guard. It is a floor for
 * {@code LogBenchmark}'s variants, not a contender: what {@code log} costs beyond it is the library's own work.
 * <p>
 * {@code floorCoarseClaimAndRecord} reads a {@link CachedNanoClock} (the coarse clock);
 * {@code floorExactClaimAndRecord} calls {@code System.nanoTime()} (the exact clock). Compare them with
 * {@code LogBenchmark.logCoarseChecksum} and {@code logExactChecksum} in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class WriteFloorBenchmark
{
    /** Records in the ring the floor writes round: a power of two, so picking one is a mask. */
    private static final int RECORDS = 8;
    private static final int ENTRY_SIZE = EventDescriptor.MIN_ENTRY_SIZE;
    private static final int PID = (int)ProcessHandle.current().pid();

    private final CachedNanoClock coarseClock = new CachedNanoClock();
    private long state;
    private long records;
    private UnsafeBuffer memory;
    long a = LogBenchmark.ARG0;
    long b = LogBenchmark.ARG1;

    @Setup
    public void allocate()
    {
        memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ENTRY_SIZE * (RECORDS + 1), ENTRY_SIZE));
        state = memory.addressOffset();
        records = state + ENTRY_SIZE;
        coarseClock.update(System.nanoTime());
    }

    @Benchmark
    public void floorCoarseClaimAndRecord()
    {
        final long claimed = claim();
        write(claimed, coarseClock.nanoTime());
    }

    @Benchmark
    public void floorExactClaimAndRecord()
    {
        final long claimed = claim();
        write(claimed, System.nanoTime());
    }

    @Benchmark
    public void floorExactClockThenClaim()
    {
        final long timestamp = System.nanoTime();
        write(claim(), timestamp);
    }

    private long claim()
    {
        while (true)
        {
            final long current = UnsafeApi.getLongVolatile(null, state);
            if (UnsafeApi.compareAndSetLong(null, state, current, current + 1))
            {
                return current;
            }
        }
    }

    private void write(final long stamp, final long timestamp)
    {
        final long record = records + (stamp & (RECORDS - 1)) * ENTRY_SIZE;
        UnsafeApi.putLong(record + EventDescriptor.STAMP_OFFSET, 0L);
        VarHandle.storeStoreFence();
        final int threadId = 1;
        final int verbId = 3;
        final int flags = EventDescriptor.FLAG_CHECKSUM | 2;
        final int formatId = 5;
        final int stackId = 0;
        UnsafeApi.putLong(record + EventDescriptor.TIMESTAMP_OFFSET, timestamp);
        UnsafeApi.putLong(record + EventDescriptor.PID_OFFSET, ((long)threadId << 32) | (PID & 0xFFFF_FFFFL));
        UnsafeApi.putLong(record + EventDescriptor.VERB_ID_OFFSET, ((long)formatId << 32) | verbId | (flags << 16));
        UnsafeApi.putInt(record + EventDescriptor.STACK_ID_OFFSET, stackId);
        final long payload = record + EventDescriptor.PAYLOAD_OFFSET;
        UnsafeApi.putLong(payload, a);
        UnsafeApi.putLong(payload + 8, b);
        UnsafeApi.putLong(payload + 16, 0L);
        long hash = EventChecksum.headerHash(stamp, timestamp, PID, threadId, verbId, flags, formatId, stackId);
        hash = EventChecksum.mix(EventChecksum.mix(EventChecksum.mix(hash, a), b), 0L);
        UnsafeApi.putInt(record + EventDescriptor.CHECKSUM_OFFSET, EventChecksum.fold(hash));
        UnsafeApi.putLongRelease(null, record + EventDescriptor.STAMP_OFFSET, stamp);
    }
}
