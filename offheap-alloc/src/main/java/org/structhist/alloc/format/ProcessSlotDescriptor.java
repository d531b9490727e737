package org.structhist.alloc.format;

/**
 * One entry of the header's process table: a process that opened the heap. Chunk headers name their
 * owner by pid only; this table gives the pid's start time, so that a leak report does not mistake a
 * new process that reused a dead owner's pid for the owner.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            Pid (claimed by CAS from 0; 0 = empty)             |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |          Start Time (epoch ms, 0 = unknown), release-stored   |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * A full table is not an error: the process is then judged by pid alone.
 */
public final class ProcessSlotDescriptor
{
    public static final int PID_OFFSET = 0;
    public static final int START_MILLIS_OFFSET = 8;
    public static final int LENGTH = 16;
    /** What fits between the process table's offset and the class table. */
    public static final int MAX_SLOTS =
        (HeapHeaderDescriptor.CLASS_TABLE_OFFSET - HeapHeaderDescriptor.PROCESS_TABLE_OFFSET) / LENGTH;

    private ProcessSlotDescriptor()
    {
    }
}
