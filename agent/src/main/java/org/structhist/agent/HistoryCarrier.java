package org.structhist.agent;

/**
 * Added by the agent to Netty's reference-counting base classes ({@code AbstractReferenceCountedByteBuf},
 * {@code AbstractReferenceCounted}): one long field that holds the history handle of the object's current
 * incarnation (0 until its first incarnation starts). A field in the object, not a map: no lookup, no
 * allocation, and it follows the object through Netty's recycler, where a new birth overwrites it.
 */
public interface HistoryCarrier
{
    /** The name of the field the agent adds. */
    String FIELD = "structhist$handle";

    /** The current incarnation's handle, 0 if none began. */
    long structhist$handle();

    /** Sets the current incarnation's handle. */
    void structhist$handle(long handle);
}
