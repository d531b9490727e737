package org.structhist.reader;

/**
 * One process that opened the file to write, from the writer registry.
 *
 * @param index              entry index in the registry.
 * @param pid                the process id.
 * @param processStartMillis when the process started, epoch ms (0: unknown).
 * @param clockBaseWallNanos wall time, epoch ns, taken together with {@code clockBaseMonotonicNanos}.
 * @param clockBaseMonotonicNanos that process's {@code System.nanoTime()} at the same instant.
 * @param heartbeatMillis    last heartbeat, epoch ms (refreshed every second while attached).
 * @param coarseClockResolutionNanos the resolution of its coarse clock.
 * @param detached           whether it closed the file cleanly.
 * @param alive              whether that process (same pid and start time) runs now.
 */
public record WriterInfo(
    int index,
    long pid,
    long processStartMillis,
    long clockBaseWallNanos,
    long clockBaseMonotonicNanos,
    long heartbeatMillis,
    long coarseClockResolutionNanos,
    boolean detached,
    boolean alive)
{
}
