package org.structhist.audit;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;

/**
 * One anomaly in one history.
 *
 * @param kind        what is wrong.
 * @param event       the first event that makes the history impossible (whatever order the writers' clocks
 *                    allow), or null when no single event does (a leak, stale events, a second push).
 * @param detail      one line of specifics ("refcount -1", "3 events after it").
 * @param cause       where the history shows it, who did it in one line ("tcpworker-1 released 2 references
 *                    where it held 1"), else null.
 * @param causeEvent  the event the cause line names (the extra unref, the hand-off without a reference),
 *                    else null.
 */
public record Anomaly(AnomalyKind kind, Event event, String detail, String cause, Event causeEvent)
{
    public Anomaly(final AnomalyKind kind, final Event event, final String detail)
    {
        this(kind, event, detail, null, null);
    }

    /** This anomaly with {@code why} as its cause, pointing at {@code culprit}. */
    public Anomaly withCause(final String why, final Event culprit)
    {
        return new Anomaly(kind, event, detail, why, culprit);
    }

    /** Whether it is information (see {@link AnomalyKind#information()}), not a bug. */
    public boolean information()
    {
        return kind.information();
    }

    /**
     * The audit's culprit line, as {@code shdump check} and the demo quote it: the kind, the event and its
     * thread, and the cause where the history shows one.
     */
    public String culpritLine()
    {
        final StringBuilder sb = new StringBuilder(kind.name());
        if (event != null)
        {
            sb.append(" at #").append(event.position()).append(" (pid ").append(event.pid());
            if (event.status() == EventStatus.VALID)
            {
                sb.append(' ').append(event.threadName()).append(' ').append(event.verb());
                final String message = event.message();
                if (!message.isEmpty())
                {
                    sb.append(" \"").append(message).append('"');
                }
            }
            sb.append(')');
        }
        sb.append(": ").append(detail);
        if (cause != null)
        {
            sb.append("; ").append(cause);
        }
        return sb.toString();
    }
}
