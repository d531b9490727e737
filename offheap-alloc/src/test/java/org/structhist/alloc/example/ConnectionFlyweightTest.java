package org.structhist.alloc.example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.RefCount;
import org.structhist.alloc.SharedHeap;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Connection flyweight: fields at the descriptor's offsets, one instance re-pointed, no garbage. */
class ConnectionFlyweightTest
{
    @TempDir
    Path dir;

    private SharedHeap heap()
    {
        return SharedHeap.open(dir.resolve("conns.heap"), HeapOptions.capacity(8L << 20).history(null));
    }

    @Test
    void fieldsAreWrittenAndReadAtTheDescriptorsOffsets()
    {
        final SharedHeap heap = heap();
        final RefCount refs = Connection.refCount(heap, null);
        final long address = refs.create(ConnectionDescriptor.LENGTH, "accept");
        final Connection connection = new Connection().wrap(heap, address);
        assertSame(connection, connection.state(ConnectionDescriptor.STATE_ESTABLISHED).id(0x1122_3344_5566L)
            .peer(0x0A00_0001, 5060), "setters chain");

        assertEquals(address, connection.address());
        assertEquals(1, connection.refcount());
        assertEquals(ConnectionDescriptor.STATE_ESTABLISHED, connection.state());
        assertEquals(0x1122_3344_5566L, connection.id());
        assertEquals(0x0A00_0001, connection.peerAddress());
        assertEquals(5060, connection.peerPort());
        assertEquals(0, connection.bytesSent());
        assertEquals(100, connection.addBytesSent(100));
        assertEquals(150, connection.addBytesSent(50));

        // The same bytes through the raw accessors: the layout is the descriptor's.
        assertEquals(1, heap.getInt(address + ConnectionDescriptor.REFCOUNT_OFFSET));
        assertEquals(ConnectionDescriptor.STATE_ESTABLISHED, heap.getInt(address + ConnectionDescriptor.STATE_OFFSET));
        assertEquals(0x1122_3344_5566L, heap.getLong(address + ConnectionDescriptor.ID_OFFSET));
        assertEquals(0x0A00_0001, heap.getInt(address + ConnectionDescriptor.PEER_ADDRESS_OFFSET));
        assertEquals(5060, heap.getInt(address + ConnectionDescriptor.PEER_PORT_OFFSET));
        assertEquals(150, heap.getLong(address + ConnectionDescriptor.BYTES_SENT_OFFSET));
        assertEquals(refs.historyHandle(address), heap.getLong(address + ConnectionDescriptor.HISTORY_HANDLE_OFFSET));
        assertTrue(ConnectionDescriptor.LENGTH <= heap.chunk(address).requestedSize());
    }

    @Test
    void oneFlyweightWrapsManyConnectionsAndEachKeepsItsOwnFields()
    {
        final SharedHeap heap = heap();
        final RefCount refs = Connection.refCount(heap, null);
        final Connection connection = new Connection();
        final long[] addresses = new long[50];
        for (int i = 0; i < addresses.length; i++)
        {
            addresses[i] = refs.create(ConnectionDescriptor.LENGTH, "accept");
            connection.wrap(heap, addresses[i]).id(i).peer(i * 7, 1000 + i)
                .state(ConnectionDescriptor.STATE_CONNECTING);
        }
        for (int i = 0; i < addresses.length; i++)
        {
            connection.wrap(heap, addresses[i]);
            assertEquals(i, connection.id());
            assertEquals(i * 7, connection.peerAddress());
            assertEquals(1000 + i, connection.peerPort());
            assertEquals(ConnectionDescriptor.STATE_CONNECTING, connection.state());
        }
    }

    @Test
    void bytesSentAddsUpAcrossThreads() throws Exception
    {
        final SharedHeap heap = heap();
        final long address = Connection.refCount(heap, null).create(ConnectionDescriptor.LENGTH, "accept");
        final List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final Thread sender = new Thread(() ->
            {
                final Connection own = new Connection().wrap(heap, address); // one flyweight per thread
                for (int i = 0; i < 10_000; i++)
                {
                    own.addBytesSent(3);
                }
            });
            senders.add(sender);
            sender.start();
        }
        for (final Thread sender : senders)
        {
            sender.join();
        }
        assertEquals(4 * 10_000 * 3, new Connection().wrap(heap, address).bytesSent());
    }

    private static long useConnection(final Connection connection, final SharedHeap heap, final long address,
        final RefCount refs)
    {
        long sink = 0;
        for (int i = 0; i < 100_000; i++)
        {
            connection.wrap(heap, address).id(i).peer(i, i).state(ConnectionDescriptor.STATE_ESTABLISHED);
            sink += connection.id() + connection.peerAddress() + connection.peerPort() + connection.state() +
                connection.refcount() + connection.addBytesSent(1);
            refs.ref(address, "send (%d)");
            refs.unref(address, "sent (%d)");
        }
        return sink;
    }

    @Test
    void accessesAndRefCountingAllocateNothing()
    {
        final HistoryList list = HistoryFile.open(dir.resolve("conns.hist"), FileOptions.defaults().sizeBytes(8L << 20))
            .list("conns");
        final SharedHeap heap = heap();
        final RefCount refs = Connection.refCount(heap, list);
        final long address = refs.create(ConnectionDescriptor.LENGTH, "accept");
        final Connection connection = new Connection().wrap(heap, address);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        // A first round unmeasured: whatever is made once (verbs and strings registered in the history file,
        // classes initialised) is not per access.
        long sink = useConnection(connection, heap, address, refs);
        final long before = threads.getCurrentThreadAllocatedBytes();
        sink += useConnection(connection, heap, address, refs);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 100 000 rounds of 13 calls: a single object per call would be megabytes. The bound leaves room for
        // the measurement's own few bytes, not for anything per access.
        assertTrue(allocated < 4096, "100 000 rounds of accesses, refs and unrefs allocated " + allocated + " bytes");
        assertEquals(200_000, connection.bytesSent());
        assertTrue(sink != 0);
        try (HistoryReader reader = HistoryReader.open(dir.resolve("conns.hist")))
        {
            final List<Event> events = reader.events(reader.incarnationsOf(address).get(0));
            assertEquals("sent (1)", events.get(events.size() - 1).message(), "the refs were logged, not skipped");
        }
    }
}
