package org.structhist.internal;

import org.structhist.format.EventDescriptor;

/**
 * What one thread needs to log into one file, found with one ThreadLocal read per event: its id as events
 * carry it, and a scratch area for encoding text before it is written (so the checksum is taken from what
 * this thread meant to write, never from memory another writer may be changing). Made once per thread and
 * file.
 */
public final class WriterThread
{
    public final int threadId;
    public final long[] scratch = new long[EventDescriptor.payloadLongs(EventDescriptor.MAX_ENTRY_SIZE)];

    WriterThread(final int threadId)
    {
        this.threadId = threadId;
    }
}
