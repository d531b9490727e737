package org.structhist.audit;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * When each kept event's operation can have happened, as far as the timestamps prove (docs/DESIGN.md,
 * "What the audit assumes and how it judges"): after the same thread's previous event was logged, and
 * before the event's own record was claimed. A writer takes its timestamp after it claims its position,
 * and positions are claimed in order, so the operation also happened before the timestamp of every
 * later position: {@code hi} is the smallest of those. A coarse timestamp may lag the time it stands for
 * by the ticker's period or a stall of it: its upper bound is widened by that slack.
 * <p>
 * {@code lo} is exclusive, {@code hi} inclusive; {@code lo} is {@link Long#MIN_VALUE} for a thread's first
 * kept event (nothing bounds it from below: an object can be counted before it is pushed). Arrays are
 * indexed as the events; entries of records that are not valid are unused.
 */
final class EventWindows
{
    final long[] lo;
    final long[] hi;
    /** hiAfter[i]: the bound every claim at a position after events[i] sets (MAX_VALUE when none). */
    final long[] hiAfter;

    EventWindows(final List<Event> events, final LongUnaryOperator coarseSlackByPid)
    {
        final int n = events.size();
        lo = new long[n];
        hi = new long[n];
        hiAfter = new long[n];
        final Map<Long, Long> lastTimestampByThread = new HashMap<>();
        for (int i = 0; i < n; i++)
        {
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID)
            {
                continue;
            }
            final Long previous = lastTimestampByThread.put(thread(e), e.timestampNanos());
            lo[i] = previous == null ? Long.MIN_VALUE : previous;
        }
        long suffixMin = Long.MAX_VALUE;
        for (int i = n - 1; i >= 0; i--)
        {
            hiAfter[i] = suffixMin;
            final Event e = events.get(i);
            if (e.status() != EventStatus.VALID)
            {
                continue;
            }
            final long own = e.coarseClock() ? saturatedAdd(e.timestampNanos(), coarseSlackByPid.applyAsLong(e.pid())) :
                e.timestampNanos();
            suffixMin = Math.min(suffixMin, own);
            hi[i] = suffixMin;
            // Clocks that break the assumptions (a thread's later timestamp below its earlier one) must not
            // make a window empty: the operation is then placed at its upper bound.
            lo[i] = Math.min(lo[i], hi[i] - 1);
        }
    }

    static long thread(final Event e)
    {
        return ((long)e.pid() << 32) | (e.threadId() & 0xFFFF_FFFFL);
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
