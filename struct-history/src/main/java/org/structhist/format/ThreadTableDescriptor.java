package org.structhist.format;

/**
 * Layout of one thread table entry: the name of a thread that logged, so events need only carry
 * (pid, thread id). Max Threads entries of {@link #ENTRY_LENGTH} bytes from Thread Table Offset.
 * <p>
 * A thread registers once per process, the first time it logs: it takes an index with a CAS on the
 * header's Thread Table Cursor (which stops at Max Threads), writes Thread Id and Name, then release-stores Pid last; an
 * entry whose Pid is 0 is not (yet) valid. Past Max Threads the thread goes unnamed and the
 * header's Threads Not Registered counts it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Pid (released last)                                           |  0
 *  |  Name (string id)                                              |  4
 *  |  Thread Id (long, the full Java thread id)                     |  8
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ThreadTableDescriptor
{
    public static final int ENTRY_LENGTH = 16;

    public static final int PID_OFFSET = 0;
    public static final int NAME_ID_OFFSET = 4;
    public static final int THREAD_ID_OFFSET = 8;

    private ThreadTableDescriptor()
    {
    }
}
