package org.structhist.alloc.internal;

import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.HeapMemory;
import org.structhist.alloc.format.ProcessSlotDescriptor;
import org.structhist.io.ProcessIdentity;

/**
 * The header's table of processes that opened the heap: pid and start time, so that "is the owner of
 * this chunk alive?" is not fooled by a reused pid. A process claims an empty slot by CAS, or when none
 * is left, the slot of a dead process; a full table of live processes only costs the start-time check.
 */
public final class ProcessTable
{
    private final HeapMemory memory;

    public ProcessTable(final HeapMemory memory)
    {
        this.memory = memory;
    }

    private static long slot(final int i)
    {
        return HeapHeaderDescriptor.PROCESS_TABLE_OFFSET + (long)i * ProcessSlotDescriptor.LENGTH;
    }

    public void register(final long pid, final long startMillis)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < ProcessSlotDescriptor.MAX_SLOTS; i++)
            {
                final long at = slot(i);
                final long holder = memory.getLongVolatile(at + ProcessSlotDescriptor.PID_OFFSET);
                final boolean claim = holder == pid || holder == 0 && pass == 0 ||
                    pass == 1 && !ProcessIdentity.isAlive(holder, memory.getLongVolatile(at +
                    ProcessSlotDescriptor.START_MILLIS_OFFSET));
                if (claim && (holder == pid ||
                    memory.compareAndSetLong(at + ProcessSlotDescriptor.PID_OFFSET, holder, pid)))
                {
                    memory.putLongRelease(at + ProcessSlotDescriptor.START_MILLIS_OFFSET, startMillis);
                    return;
                }
            }
        }
    }

    /** The start time registered for {@code pid}: epoch ms, 0 when not registered or unknown. */
    public long startMillisOf(final long pid)
    {
        for (int i = 0; i < ProcessSlotDescriptor.MAX_SLOTS; i++)
        {
            final long at = slot(i);
            if (memory.getLongVolatile(at + ProcessSlotDescriptor.PID_OFFSET) == pid)
            {
                return memory.getLongVolatile(at + ProcessSlotDescriptor.START_MILLIS_OFFSET);
            }
        }
        return 0;
    }

    public boolean isAlive(final long pid)
    {
        return ProcessIdentity.isAlive(pid, startMillisOf(pid));
    }
}
