package org.structhist.shdump.demo;

import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The layout of the demo's ring file ({@code tcp.rings}): the IPC over which tcp-main and its worker
 * processes pass connection structs by address, as OpenSIPS passes pointers over its pipes. Agrona ring
 * buffers, one after the other; each is {@link #RING_CAPACITY} bytes of records followed by Agrona's
 * trailer ({@link RingBufferDescriptor}: tail, head cache, head, correlation counter, consumer heartbeat).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |  Ring 0: tcp-main -> tcpworker-1 (one-to-one)                 |  0
 *  |    RING_CAPACITY bytes of records, then the trailer           |
 *  +---------------------------------------------------------------+
 *  |  Ring 1: tcp-main -> tcpworker-2 (one-to-one)                 |  RING_LENGTH
 *  +---------------------------------------------------------------+
 *  |  Ring 2: tcp-main -> tcpworker-3 (one-to-one)                 |  2 x RING_LENGTH
 *  +---------------------------------------------------------------+
 *  |  Ring 3: every worker -> tcp-main (many-to-one)               |  3 x RING_LENGTH
 *  +---------------------------------------------------------------+
 * </pre>
 * Each record's payload (Agrona adds its own 8-byte record header: length and message type):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            Address of the connection struct (long)            |  0
 *  |               (HELLO: the worker's pid instead)               |
 *  +---------------------------------------------------------------+
 *  |  Argument (int): READ the replies to send; DONE the step done;|  8
 *  |  HELLO the worker's number                                    |
 *  +---------------------------------------------------------------+
 *  |  Flags (int): bit 0 the write takes the partial-write path    | 12
 *  +---------------------------------------------------------------+
 * </pre>
 * The file is created zero-filled by the process that starts the others (an all-zero Agrona ring is an
 * empty one) before any of them maps it; every process maps all of it.
 */
public final class HandOffDescriptor
{
    public static final int RING_CAPACITY = 64 * 1024;
    public static final int RING_LENGTH = RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    public static final int TO_MAIN_RING = TcpServer.WORKERS;
    public static final int RINGS = TcpServer.WORKERS + 1;
    public static final int FILE_LENGTH = RINGS * RING_LENGTH;

    public static final int ADDRESS_OFFSET = 0;
    public static final int ARGUMENT_OFFSET = 8;
    public static final int FLAGS_OFFSET = 12;
    public static final int MESSAGE_LENGTH = 16;

    public static final int FLAG_PARTIAL_WRITE = 1;

    // Message types (Agrona's msgTypeId; must be positive).
    /** tcp-main to a worker: read the request (with a reference of the worker's own). */
    public static final int READ = 1;
    /** tcp-main to a worker: write asynchronously (with a reference of the worker's own). */
    public static final int ASYNC_WRITE = 2;
    /** tcp-main to a worker: the peer hung up; tcp-main's own reference goes with it. */
    public static final int CLOSE = 3;
    /** tcp-main to a worker: no more work, exit. */
    public static final int STOP = 4;
    /** A worker to tcp-main: the step in Argument is done with the connection at Address. */
    public static final int DONE = 5;
    /** A worker to tcp-main: attached to the heap and the history file, ready for work. */
    public static final int HELLO = 6;

    private HandOffDescriptor()
    {
    }

    /** Where ring {@code index} starts in the file. */
    public static int ringOffset(final int index)
    {
        return index * RING_LENGTH;
    }
}
