package org.structhist.reader;

import org.structhist.Effect;

/**
 * One event record as read, with its strings resolved. Fields other than {@code status} and
 * {@code position} are what the record held, and are meaningful only when the status is VALID.
 *
 * @param position       per-object sequence number (0 = first event after push).
 * @param status         whether the record is a committed event.
 * @param timestampNanos the writer's {@code System.nanoTime()} (or its coarse clock).
 * @param wallNanos      the same as wall time, epoch ns, through the writer's clock base.
 * @param pid            writer's pid.
 * @param threadId       writer's thread id (low 32 bits).
 * @param threadName     the thread's registered name, or "thread-ID".
 * @param verb           verb name ("?" when not registered).
 * @param effect         the verb's refcount effect.
 * @param format         format string ("" when none).
 * @param args           long arguments (length 0..3); empty for text events.
 * @param text           the text argument, or null.
 * @param textTruncated  whether the text was cut to fit.
 * @param coarseClock    whether the timestamp came from the coarse clock.
 * @param stack          captured stack, or null.
 * @param count          the object's reference count after the operation, as the writer logged it, or
 *                       {@link #NO_COUNT} when the event carries none.
 */
public record Event(
    int position,
    EventStatus status,
    long timestampNanos,
    long wallNanos,
    int pid,
    int threadId,
    String threadName,
    String verb,
    Effect effect,
    String format,
    long[] args,
    String text,
    boolean textTruncated,
    boolean coarseClock,
    String stack,
    int count)
{
    /** {@link #count} of an event that carries no count. */
    public static final int NO_COUNT = Integer.MIN_VALUE;

    /** Whether the writer logged the object's count after the operation with this event. */
    public boolean hasCount()
    {
        return count != NO_COUNT;
    }

    /** The message: the format applied to the arguments (as {@code String.format} would). */
    public String message()
    {
        return MessageFormatter.format(format, args, text);
    }
}
