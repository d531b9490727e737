package org.structhist.shdump.demo;

import org.structhist.History;
import org.structhist.HistoryList;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A refcounted TCP connection as a C server keeps it in shared memory: an address, a reference count
 * every holder takes and drops, and its struct history. The count is the real one (an
 * {@link AtomicInteger}); every change is logged with the new value, so the "(%d)" in each message and
 * shdump's running REFS column, computed from the verbs' effects alone, agree until the bug.
 */
final class TcpConnection
{
    /** PROTO_TCP in OpenSIPS: what its destroy logs as "type=2". */
    static final int PROTO_TCP = 2;

    final int index;
    final long address;
    final History sh;
    /** The steps the client will make the server take, decided up front from the seed. */
    final Deque<Step> script = new ArrayDeque<>();
    private final AtomicInteger refcnt = new AtomicInteger();
    /** Set by whoever destroys it; the stand-in for "this memory now belongs to someone else". */
    private volatile boolean freed;

    /** What the server does with a connection in one round of its main loop. */
    enum Step
    {
        /** A request arrived: a worker reads it and sends the replies. */
        READ,
        /** The main loop sends on it itself (a SIP request routed out over this connection). */
        MAIN_SEND,
        /** A send that would block: a worker writes it asynchronously. */
        ASYNC_WRITE,
        /** The peer closed it: a worker drops the last reference and destroys it. */
        CLOSE
    }

    /** Accepts the connection: a new history, and the main loop's own reference. */
    TcpConnection(final int index, final long address, final HistoryList list)
    {
        this.index = index;
        this.address = address;
        this.sh = list.push(address);
        ref("connect, (%d)");
    }

    /** {@code format} is a literal with one %d for the new count: interned once, formatted by the reader. */
    void ref(final String format)
    {
        sh.log(TcpVerb.TCP_REF, format, refcnt.incrementAndGet());
    }

    /** Drops one reference; whoever drops the last one destroys the connection. */
    void unref(final String format)
    {
        final int left = refcnt.decrementAndGet();
        sh.log(TcpVerb.TCP_UNREF, format, left);
        if (left == 0)
        {
            destroy();
        }
    }

    void handOff(final String what)
    {
        sh.log(TcpVerb.TCP_SEND2CHILD, what);
    }

    private void destroy()
    {
        sh.log(TcpVerb.TCP_DESTROY, "type=%d", PROTO_TCP);
        sh.unref();
        freed = true;
    }

    boolean isFreed()
    {
        return freed;
    }
}
