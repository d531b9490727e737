package org.structhist.format;

/**
 * Layout of one thread table entry: the name of a thread that logged, so events need only carry
 * (pid, thread id). Max Threads entries of {@link #ENTRY_LENGTH} bytes from Thread Table Offset.
 * <p>
 * A thread registers once per process, the first time it logs: it takes an index with a CAS on the
 * header's Thread Table Cursor (which stops at Max Threads), writes Thread, then release-stores Pid
 * last; an entry whose Pid is 0 is not (yet) valid. An entry stays its process's. Once the table is
 * full, a new thread takes over an entry of its own process whose thread has ended, by one
 * release-store of Thread: name and id change together, so a reader never pairs one thread's id with
 * another's name (events of the ended thread still in the file then go unnamed). With no such entry the
 * thread goes unnamed and the header's Threads Not Registered counts it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Pid (released last when the entry is first claimed)           |  0
 *  |  reserved, zero                                                |  4
 *  |  Thread (long, atomic): Thread Id, the low 32 bits of the      |  8
 *  |  Java thread id (bits 0-31) | Name (bits 32-63)                |
 *  +---------------------------------------------------------------+
 * </pre>
 * Name is a string id, or {@link #NO_NAME} (a thread with an empty name, or the string table was full:
 * readers show {@code thread-ID}), or {@link #UNNAMED_VIRTUAL} (a virtual thread with no name: readers
 * show {@code virtual-ID}). Neither is ever a string id, which are multiples of 8 from 8.
 */
public final class ThreadTableDescriptor
{
    public static final int ENTRY_LENGTH = 16;

    public static final int PID_OFFSET = 0;
    public static final int THREAD_OFFSET = 8;

    public static final int NO_NAME = 0;
    public static final int UNNAMED_VIRTUAL = 1;

    private ThreadTableDescriptor()
    {
    }

    /** The Thread field of thread {@code threadId} named {@code nameId}. */
    public static long thread(final int threadId, final int nameId)
    {
        return ((long)nameId << 32) | (threadId & 0xFFFF_FFFFL);
    }

    public static int threadId(final long thread)
    {
        return (int)thread;
    }

    public static int nameId(final long thread)
    {
        return (int)(thread >>> 32);
    }
}
