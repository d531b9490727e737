package org.structhist.io;

import java.time.Instant;
import java.util.Optional;

/**
 * Who this process is, and whether another one is still alive. A pid alone is not an identity
 * (pids are reused), so a process is its pid plus its start time.
 */
public final class ProcessIdentity
{
    /** This process's pid. */
    public static final long PID = ProcessHandle.current().pid();

    /** This process's start time, epoch milliseconds (0 where the OS does not say). */
    public static final long START_MILLIS = startMillis(ProcessHandle.current());

    /** Two start times within this are the same process: the OS reports them in clock ticks. */
    private static final long START_TOLERANCE_MILLIS = 1000;

    /** Whether the process {@code pid} that started at {@code startMillis} (0: unknown) runs now. */
    public static boolean isAlive(final long pid, final long startMillis)
    {
        if (pid <= 0 || pid > Integer.MAX_VALUE)
        {
            return false; // no OS has such pids; ProcessHandle.of would truncate one to 32 bits
        }
        if (pid == PID)
        {
            return startMillis == 0 || Math.abs(startMillis - START_MILLIS) <= START_TOLERANCE_MILLIS;
        }
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        final long actualStart = startMillis(handle.get());
        return startMillis == 0 || actualStart == 0 || Math.abs(actualStart - startMillis) <= START_TOLERANCE_MILLIS;
    }

    private static long startMillis(final ProcessHandle handle)
    {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private ProcessIdentity()
    {
    }
}
