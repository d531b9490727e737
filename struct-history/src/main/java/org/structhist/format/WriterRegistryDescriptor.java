package org.structhist.format;

/**
 * Layout of one writer registry entry: one per process that opened the file to write. Max Writers
 * entries of {@link #ENTRY_LENGTH} bytes each, from the header's Writer Registry Offset.
 * <p>
 * A process takes the entry that already holds its own pid (from an earlier open), else claims a free
 * one with a CAS of Pid from 0 to its pid, else takes over the entry of a dead process with a CAS from
 * that pid; it then stores State = CLAIMING, fills the rest, and release-stores State = ATTACHED. A
 * reader must not trust Process Start or the clock base of an entry whose State is CLAIMING. Readers tell a live writer
 * from a dead one by Pid and Process Start
 * (a reused pid has another start time) and by Heartbeat, which a daemon ticker refreshes every second.
 * Each writer's clock base turns the System.nanoTime stamps of its events into wall time.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Pid (long, CAS)                                               |  0
 *  |  Process Start, epoch milliseconds (long)                      |  8
 *  |  Clock Base: wall time, epoch nanoseconds (long)               | 16
 *  |  Clock Base: System.nanoTime() at that instant (long)          | 24
 *  |  Heartbeat, epoch milliseconds (long)                          | 32
 *  |  Coarse Clock Resolution, nanoseconds (long)                   | 40
 *  |  State (0 claiming, 1 attached, 2 detached)  | reserved        | 48
 *  |  reserved (long)                                               | 56
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class WriterRegistryDescriptor
{
    public static final int ENTRY_LENGTH = 64;

    public static final int STATE_CLAIMING = 0;
    public static final int STATE_ATTACHED = 1;
    public static final int STATE_DETACHED = 2;

    public static final int PID_OFFSET = 0;
    public static final int PROCESS_START_MILLIS_OFFSET = 8;
    public static final int CLOCK_BASE_WALL_NANOS_OFFSET = 16;
    public static final int CLOCK_BASE_MONOTONIC_NANOS_OFFSET = 24;
    public static final int HEARTBEAT_MILLIS_OFFSET = 32;
    public static final int COARSE_CLOCK_RESOLUTION_NANOS_OFFSET = 40;
    public static final int STATE_OFFSET = 48;

    public static int entryOffset(final int registryOffset, final int index)
    {
        return registryOffset + index * ENTRY_LENGTH;
    }

    private WriterRegistryDescriptor()
    {
    }
}
