package org.structhist.alloc.example;

/**
 * The layout of the example struct {@link Connection}: a TCP connection as a C server keeps it in
 * shared memory, refcounted, with its history handle inside it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Refcount (int, atomic)                     |  0
 *  +---------------------------------------------------------------+
 *  |                        State (int)                            |  4
 *  +---------------------------------------------------------------+
 *  |              History Handle (long, "conns" list)              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Connection Id (long)                    | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             Peer: IPv4 address (int) | port (int)             | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Bytes Sent (long, atomic)                  | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ConnectionDescriptor
{
    public static final int REFCOUNT_OFFSET = 0;
    public static final int STATE_OFFSET = 4;
    public static final int HISTORY_HANDLE_OFFSET = 8;
    public static final int ID_OFFSET = 16;
    public static final int PEER_ADDRESS_OFFSET = 24;
    public static final int PEER_PORT_OFFSET = 28;
    public static final int BYTES_SENT_OFFSET = 32;
    public static final int LENGTH = 40;

    public static final int STATE_CONNECTING = 1;
    public static final int STATE_ESTABLISHED = 2;
    public static final int STATE_CLOSING = 3;

    private ConnectionDescriptor()
    {
    }
}
