package org.structhist.audit;

import org.structhist.reader.StaleHandleEvents;

import java.util.List;

/**
 * What the file still says about an incarnation that left the window while a holder kept logging through
 * its handle: the stale events' count and net effect ({@link StaleHandleEvents}), and what the audit makes
 * of them.
 *
 * @param stale      the stale-handle events kept for that push.
 * @param generation the slot generation it had (push number / window + 1).
 * @param anomalies  a {@link AnomalyKind#STALE_HANDLE_EVENTS} note, and a bug when its net proves one.
 */
public record EvictedHistory(StaleHandleEvents stale, long generation, List<Anomaly> anomalies)
{
}
