package org.structhist.shdump.demo;

import org.structhist.ClockMode;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.alloc.HeapOptions;
import org.structhist.alloc.RefCount;
import org.structhist.alloc.SharedHeap;
import org.structhist.alloc.example.Connection;
import org.structhist.alloc.example.ConnectionDescriptor;

import java.nio.file.Path;

/**
 * What tcp-main and every worker process open alike, with the same options (the first to come creates,
 * the others attach): the history file, the shared heap the connection structs live in, and the
 * {@link RefCount} over their count and history handle ({@link ConnectionDescriptor}'s offsets).
 * <p>
 * The heap does not poison a freed chunk but quarantines it: a freed connection keeps its bytes and its
 * address for a while, as freed memory does in a C server until malloc hands it out again, and the
 * heap's checked access catches a use of it meanwhile.
 */
final class SharedConnections implements AutoCloseable
{
    static final String HISTORY_FILE = "tcp.hist";
    static final String HEAP_FILE = "tcp.heap";
    static final String RINGS_FILE = "tcp.rings";
    /** The list the heap's own SHM_ALLOC / SHM_FREE / SHM_USE_AFTER_FREE go to. */
    static final String SHM_LIST = "shm";
    static final long HEAP_CAPACITY = 4L << 20;
    static final long QUARANTINE_BYTES = 64L << 10;

    final HistoryFile file;
    final HistoryList connections;
    final SharedHeap heap;
    final RefCount refCount;
    /** A flyweight for this process's one thread that touches structs. */
    final Connection connection = new Connection();

    SharedConnections(final Path dir, final ClockMode clock)
    {
        file = HistoryFile.open(dir.resolve(HISTORY_FILE), FileOptions.defaults().sizeBytes(8L << 20));
        connections = file.list(TcpServer.LIST, ListOptions.window(256).eventsPerObject(64).clock(clock));
        final HistoryList shm = file.list(SHM_LIST, ListOptions.window(256).eventsPerObject(16).clock(clock));
        heap = SharedHeap.open(dir.resolve(HEAP_FILE), HeapOptions.capacity(HEAP_CAPACITY).poison(false)
            .quarantineBytes(QUARANTINE_BYTES).history(shm));
        refCount = new RefCount(heap, connections, ConnectionDescriptor.REFCOUNT_OFFSET,
            ConnectionDescriptor.HISTORY_HANDLE_OFFSET, TcpVerb.TCP_REF, TcpVerb.TCP_UNREF, TcpVerb.TCP_DESTROY,
            TcpVerb.TCP_REF_REFUSED);
    }

    /** Logs tcp-main's hand-off of the connection at {@code address}: its reference becomes the worker's. */
    void handOff(final long address, final String what)
    {
        connections.log(refCount.historyHandle(address), TcpVerb.TCP_SEND2CHILD, what);
    }

    @Override
    public void close()
    {
        heap.close();
        file.close();
    }
}
