package org.structhist.agent;

/**
 * Added by the agent to Netty's reference-counting base classes ({@code AbstractReferenceCountedByteBuf},
 * {@code AbstractReferenceCounted}): a long field that holds the history handle of the object's current
 * incarnation (0 until its first incarnation starts), and one that holds when a derived buffer was born.
 * Fields in the object, not a map: no lookup, no allocation, and they follow the object through Netty's
 * recycler, where a new birth overwrites them.
 */
public interface HistoryCarrier
{
    /** The name of the field the agent adds. */
    String FIELD = "structhist$handle";

    /** The current incarnation's handle, 0 if none began. */
    long structhist$handle();

    /** Sets the current incarnation's handle. */
    void structhist$handle(long handle);

    /** The name of the field that holds {@link System#nanoTime()} at a derived buffer's birth. */
    String BORN_FIELD = "structhist$born";

    /**
     * {@link System#nanoTime()} when the current incarnation of a derived buffer began (0 for others). A
     * derived buffer passes out through several advised methods (a leak-detection wrapper's
     * {@code retainedSlice} returns what the wrapped buffer's returned): only the first of them begins it.
     */
    long structhist$born();

    void structhist$born(long nanoTime);
}
