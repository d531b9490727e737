package org.structhist.alloc.example;

import org.structhist.alloc.SharedHeap;

import static org.structhist.alloc.example.ConnectionDescriptor.BYTES_SENT_OFFSET;
import static org.structhist.alloc.example.ConnectionDescriptor.ID_OFFSET;
import static org.structhist.alloc.example.ConnectionDescriptor.PEER_ADDRESS_OFFSET;
import static org.structhist.alloc.example.ConnectionDescriptor.PEER_PORT_OFFSET;
import static org.structhist.alloc.example.ConnectionDescriptor.REFCOUNT_OFFSET;
import static org.structhist.alloc.example.ConnectionDescriptor.STATE_OFFSET;

/**
 * A flyweight over a {@link ConnectionDescriptor} struct in a shared heap: one reusable instance per
 * thread, pointed at any connection with {@link #wrap}; no access allocates. The refcount is managed by
 * a {@link org.structhist.alloc.RefCount} built with this struct's offsets ({@link #refCount}).
 */
public final class Connection
{
    private SharedHeap heap;
    private long address;

    /** Points this flyweight at the connection at {@code address}; returns this. */
    public Connection wrap(final SharedHeap heap, final long address)
    {
        this.heap = heap;
        this.address = address;
        return this;
    }

    /** The RefCount for connections: the count and the history handle at this layout's offsets. */
    public static org.structhist.alloc.RefCount refCount(final SharedHeap heap, final org.structhist.HistoryList list)
    {
        return new org.structhist.alloc.RefCount(heap, list, REFCOUNT_OFFSET,
            ConnectionDescriptor.HISTORY_HANDLE_OFFSET);
    }

    public long address()
    {
        return address;
    }

    public int refcount()
    {
        return heap.getIntVolatile(address + REFCOUNT_OFFSET);
    }

    public int state()
    {
        return heap.getIntVolatile(address + STATE_OFFSET);
    }

    public Connection state(final int state)
    {
        heap.putIntRelease(address + STATE_OFFSET, state);
        return this;
    }

    public long id()
    {
        return heap.getLong(address + ID_OFFSET);
    }

    public Connection id(final long id)
    {
        heap.putLong(address + ID_OFFSET, id);
        return this;
    }

    public int peerAddress()
    {
        return heap.getInt(address + PEER_ADDRESS_OFFSET);
    }

    public int peerPort()
    {
        return heap.getInt(address + PEER_PORT_OFFSET);
    }

    public Connection peer(final int ipv4, final int port)
    {
        heap.putInt(address + PEER_ADDRESS_OFFSET, ipv4);
        heap.putInt(address + PEER_PORT_OFFSET, port);
        return this;
    }

    public long bytesSent()
    {
        return heap.getLongVolatile(address + BYTES_SENT_OFFSET);
    }

    /** Adds to the bytes sent atomically (several processes send on one connection); the new total. */
    public long addBytesSent(final long bytes)
    {
        return heap.getAndAddLong(address + BYTES_SENT_OFFSET, bytes) + bytes;
    }
}
