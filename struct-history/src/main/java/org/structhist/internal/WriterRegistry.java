package org.structhist.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.io.ProcessIdentity;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.structhist.format.WriterRegistryDescriptor.*;

/**
 * This process's entry in the file's writer registry (see {@code WriterRegistryDescriptor}): claimed
 * on open, its heartbeat refreshed by the {@link Ticker}, marked detached on close, or at the latest by
 * a shutdown hook when the JVM exits normally without close, so that only a crash or a kill leaves an
 * entry attached with its process gone ("dead" in shdump).
 */
public final class WriterRegistry
{
    public static final int NOT_REGISTERED = -1;

    private final UnsafeBuffer buffer;
    private final int entryOffset;

    private WriterRegistry(final UnsafeBuffer buffer, final int entryOffset)
    {
        this.buffer = buffer;
        this.entryOffset = entryOffset;
    }

    /**
     * Claims this process's own entry from an earlier open, or a free entry, or else the entry of a dead process, and
     * fills it. Past Max Writers with
     * every writer alive, the process still writes events but goes unlisted (counted in the header).
     */
    public static WriterRegistry register(
        final UnsafeBuffer buffer,
        final FileLayout layout,
        final long wallNanos,
        final long monotonicNanos,
        final long coarseResolutionNanos)
    {
        final WriterRegistry registry = register(buffer, layout, ProcessIdentity.PID, ProcessIdentity.START_MILLIS,
            wallNanos, monotonicNanos, coarseResolutionNanos);
        if (registry.isRegistered())
        {
            DetachAtExit.add(registry);
        }
        return registry;
    }

    /**
     * {@link #register} for process {@code pid} started at {@code startMillis}: what a process does at open,
     * with the process named by the caller, so that one JVM can act as several processes (the stress tests
     * race two registrations of different pids; a process only ever registers itself).
     */
    public static WriterRegistry register(
        final UnsafeBuffer buffer,
        final FileLayout layout,
        final long pid,
        final long startMillis,
        final long wallNanos,
        final long monotonicNanos,
        final long coarseResolutionNanos)
    {
        int claimed = NOT_REGISTERED;
        for (int i = 0; i < layout.maxWriters && claimed == NOT_REGISTERED; i++)
        {
            final int offset = entryOffset(layout.writerRegistryOffset, i);
            final long existing = buffer.getLongVolatile(offset + PID_OFFSET);
            if (existing == pid || (existing == 0 && buffer.compareAndSetLong(offset + PID_OFFSET, 0, pid)))
            {
                claimed = offset;
            }
        }
        for (int i = 0; i < layout.maxWriters && claimed == NOT_REGISTERED; i++)
        {
            final int offset = entryOffset(layout.writerRegistryOffset, i);
            final long otherPid = buffer.getLongVolatile(offset + PID_OFFSET);
            // Pid-only liveness: the start time beside a pid may still be the previous owner's while a
            // takeover is under way, and taking a live process's entry would be worse than skipping a
            // dead one whose pid was reused.
            if (otherPid != pid && !ProcessIdentity.isAlive(otherPid, 0) &&
                buffer.compareAndSetLong(offset + PID_OFFSET, otherPid, pid))
            {
                claimed = offset;
            }
        }
        if (claimed == NOT_REGISTERED)
        {
            buffer.getAndAddInt(FileHeaderDescriptor.WRITERS_NOT_REGISTERED_OFFSET, 1);
            return new WriterRegistry(buffer, NOT_REGISTERED);
        }
        buffer.putIntRelease(claimed + STATE_OFFSET, STATE_CLAIMING);
        buffer.putLong(claimed + PROCESS_START_MILLIS_OFFSET, startMillis);
        buffer.putLong(claimed + CLOCK_BASE_WALL_NANOS_OFFSET, wallNanos);
        buffer.putLong(claimed + CLOCK_BASE_MONOTONIC_NANOS_OFFSET, monotonicNanos);
        buffer.putLong(claimed + COARSE_CLOCK_RESOLUTION_NANOS_OFFSET, coarseResolutionNanos);
        buffer.putLong(claimed + HEARTBEAT_MILLIS_OFFSET, System.currentTimeMillis());
        buffer.putIntRelease(claimed + STATE_OFFSET, STATE_ATTACHED);
        return new WriterRegistry(buffer, claimed);
    }

    /** Offset of this process's registry entry in the file, or {@link #NOT_REGISTERED}. */
    public int claimedEntryOffset()
    {
        return entryOffset;
    }

    public boolean isRegistered()
    {
        return entryOffset != NOT_REGISTERED;
    }

    public void heartbeat(final long epochMillis)
    {
        if (entryOffset != NOT_REGISTERED)
        {
            buffer.putLongRelease(entryOffset + HEARTBEAT_MILLIS_OFFSET, epochMillis);
        }
    }

    public void detach()
    {
        DetachAtExit.remove(this);
        if (entryOffset != NOT_REGISTERED)
        {
            heartbeat(System.currentTimeMillis());
            buffer.putIntRelease(entryOffset + STATE_OFFSET, STATE_DETACHED);
        }
    }

    /**
     * This process's registrations not detached yet, and the one shutdown hook that detaches them on a
     * normal exit (System.exit, the last non-daemon thread ending, SIGTERM/SIGINT). A hook cannot run on
     * kill -9 or a crash: those entries stay attached, which is how shdump tells them from a clean exit.
     */
    private static final class DetachAtExit
    {
        private static final Set<WriterRegistry> ATTACHED = ConcurrentHashMap.newKeySet();

        static
        {
            try
            {
                Runtime.getRuntime().addShutdownHook(new Thread(DetachAtExit::detachAll, "structhist-detach-at-exit"));
            }
            catch (final IllegalStateException alreadyExiting)
            {
                // Opened while the JVM shuts down: nothing will run the hook, close() is the only way out.
            }
        }

        static void add(final WriterRegistry registry)
        {
            ATTACHED.add(registry);
        }

        static void remove(final WriterRegistry registry)
        {
            ATTACHED.remove(registry);
        }

        private static void detachAll()
        {
            for (final WriterRegistry registry : ATTACHED)
            {
                registry.detach();
            }
        }
    }
}
