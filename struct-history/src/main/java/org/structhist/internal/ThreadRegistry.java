package org.structhist.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.io.ProcessIdentity;

import static org.structhist.format.ThreadTableDescriptor.*;

/**
 * Registers each thread's name in the file the first time it logs (see {@code ThreadTableDescriptor})
 * and hands it its {@link WriterThread}. After that, one ThreadLocal read per event.
 */
public final class ThreadRegistry
{
    private final UnsafeBuffer buffer;
    private final StringInterner strings;
    private final int tableOffset;
    private final int maxThreads;
    private final ThreadLocal<WriterThread> current = ThreadLocal.withInitial(this::register);

    public ThreadRegistry(final UnsafeBuffer buffer, final FileLayout layout, final StringInterner strings)
    {
        this.buffer = buffer;
        this.strings = strings;
        this.tableOffset = layout.threadTableOffset;
        this.maxThreads = layout.maxThreads;
    }

    public WriterThread current()
    {
        return current.get();
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
    private WriterThread register()
    {
        final Thread thread = Thread.currentThread();
        final long threadId = thread.getId();
        final int index = claimIndex();
        if (index >= 0)
        {
            final int entry = tableOffset + index * ENTRY_LENGTH;
            buffer.putLong(entry + THREAD_ID_OFFSET, threadId);
            buffer.putInt(entry + NAME_ID_OFFSET, strings.intern(thread.getName()));
            buffer.putIntRelease(entry + PID_OFFSET, (int)ProcessIdentity.PID);
        }
        else
        {
            buffer.getAndAddInt(FileHeaderDescriptor.THREADS_NOT_REGISTERED_OFFSET, 1);
        }
        return new WriterThread((int)threadId);
    }

    /** The next free entry, or -1: a CAS that stops at the table's end, so the cursor never wraps. */
    private int claimIndex()
    {
        while (true)
        {
            final int index = buffer.getIntVolatile(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET);
            if (index < 0 || index >= maxThreads)
            {
                return -1;
            }
            if (buffer.compareAndSetInt(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET, index, index + 1))
            {
                return index;
            }
        }
    }
}
