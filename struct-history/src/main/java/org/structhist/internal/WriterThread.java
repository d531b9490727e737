package org.structhist.internal;

import org.structhist.Verb;
import org.structhist.format.EventDescriptor;

/**
 * What one thread needs to log into one file, found with one ThreadLocal read per event: its id as events
 * carry it, a scratch area for encoding text before it is written (so the checksum is taken from what this
 * thread meant to write, never from memory another writer may be changing), and the last verb and format
 * it logged with their ids in the file, so that a repeat (one call site in a loop) looks nothing up. Made
 * once per thread and file; only its own thread touches the mutable fields.
 */
public final class WriterThread
{
    public final int threadId;
    public final long[] scratch = new long[EventDescriptor.payloadLongs(EventDescriptor.MAX_ENTRY_SIZE)];
    /** The verb of this thread's last event (compared by identity), or null. */
    public Verb lastVerb;
    public int lastVerbId;
    /** The format of this thread's last event (compared by identity), or null. */
    public String lastFormat;
    public int lastFormatId;

    WriterThread(final int threadId)
    {
        this.threadId = threadId;
    }
}
