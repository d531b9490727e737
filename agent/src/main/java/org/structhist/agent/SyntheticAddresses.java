package org.structhist.agent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Addresses for objects that have no memory address of their own (heap buffers, direct buffers without
 * Unsafe, composites, derived buffers with their own count, other ReferenceCounted objects):
 * <pre>
 *   63      56 55                    34 33                                 0
 *  +----------+------------------------+------------------------------------+
 *  |   0xFE   |   pid (low 22 bits)    |  sequence (per process, 34 bits)   |
 *  +----------+------------------------+------------------------------------+
 * </pre>
 * A user-space address on the platforms Netty runs on is below 2^57, so the 0xFE tag never meets a real
 * address; the pid keeps processes sharing a file apart; the sequence keeps every incarnation apart (a
 * slice born at its parent's first byte must never look like its parent "pushed again while live").
 */
final class SyntheticAddresses
{
    static final long TAG = 0xFEL << 56;
    static final int PID_SHIFT = 34;
    static final long PID_MASK = (1L << 22) - 1;
    static final long SEQUENCE_MASK = (1L << PID_SHIFT) - 1;

    private static final long PROCESS_BITS = TAG | ((ProcessHandle.current().pid() & PID_MASK) << PID_SHIFT);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private SyntheticAddresses()
    {
    }

    /** A new address, never handed out before by this process. */
    static long next()
    {
        return PROCESS_BITS | (SEQUENCE.incrementAndGet() & SEQUENCE_MASK);
    }

    /** Whether {@code address} was made here rather than read from a buffer. */
    static boolean isSynthetic(final long address)
    {
        return (address & (0xFFL << 56)) == TAG;
    }
}
