package org.structhist.shdump.demo;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.structhist.ClockMode;
import org.structhist.alloc.UseAfterFreeException;
import org.structhist.alloc.example.ConnectionDescriptor;
import org.structhist.shdump.demo.TcpConnection.Step;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.structhist.shdump.demo.HandOffDescriptor.ADDRESS_OFFSET;
import static org.structhist.shdump.demo.HandOffDescriptor.ARGUMENT_OFFSET;

/**
 * tcp-main as OpenSIPS runs it, in a process of its own: it accepts TCP connections on 127.0.0.1, keeps
 * each one as a refcounted struct in the {@link org.structhist.alloc.SharedHeap} its workers
 * ({@link TcpWorkerProcess}) share, and hands a connection to a worker by writing the struct's address
 * into that worker's ring ({@link HandOffRings}), with a reference of the worker's own. Workers hand it
 * back by address on the ring to tcp-main.
 * <p>
 * The same story as {@link TcpServer}'s threads, from the same seeded {@link Random} used by tcp-main
 * alone: rounds in which every open connection takes one step, each round waiting for every worker's
 * reply, so the order of hand-offs is set by the rings, not by timing. In the culprit's round its worker
 * drops the write's reference twice and frees the struct while tcp-main still counts on its own; in the
 * next round tcp-main's send reads the struct through the heap's checked access, which finds the chunk
 * freed, and the process dies on the spot as a C server would on SIGSEGV.
 * <p>
 * Arguments: {@code DIR SEED CONNECTIONS WARMUP CLOCK BUGGY}: the directory of the files (the ring file
 * must exist), the seed, how many connections to serve in the measured window, how many to serve before it
 * (not counted: the benchmark's warm-up, 0 for the demo), {@code exact} or {@code coarse}, and {@code buggy}
 * or {@code correct} (the benchmark: no extra unref, every connection served). Prints {@link #LISTENING} and
 * the port first; at a clean end, {@link #SERVED} with the figures.
 */
public final class TcpMainProcess
{
    public static final String LISTENING = "listening on 127.0.0.1:";
    public static final String SERVED = "tcp-main: served ";
    /** Starts the line of tcp-main's crash report that names the exception the heap threw. */
    public static final String CAUGHT = "    caught by the heap's checked access: ";
    /** Names the crashed connection's index (its order of arrival) in the crash report. */
    public static final String CONNECTION = "connection #";
    static final int MAX_OPEN = TcpServer.MAX_OPEN;
    private static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Well inside the demo's own timeout for the whole server, so that a worker that never came is reported. */
    private static final long HELLO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final byte[] REPLY = "SIP/2.0 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private final PrintStream out;
    private final SharedConnections shared;
    private final HandOffRings rings;
    private final ServerSocket listener;
    private final int connections;
    /** Connections served before the measured window opens: the JIT compiles the hot paths meanwhile. */
    private final int warmup;
    private final Random random;
    private final int culprit;
    private final List<Open> open = new ArrayList<>();
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
        TimeUnit.MICROSECONDS.toNanos(200));
    private final MessageHandler onReply = this::onReply;
    private final long[] workerPids = new long[TcpServer.WORKERS];
    private int accepted;
    private int closed;
    private int replies;

    /** A connection tcp-main holds: its struct's address, its socket, and what the client will make it do. */
    private record Open(int index, long address, Socket socket, Deque<Step> script)
    {
    }

    private TcpMainProcess(final PrintStream out, final SharedConnections shared, final HandOffRings rings,
        final ServerSocket listener, final int warmup, final int connections, final long seed, final boolean buggy)
    {
        this.out = out;
        this.shared = shared;
        this.rings = rings;
        this.listener = listener;
        this.warmup = warmup;
        this.connections = warmup + connections;
        this.random = new Random(seed);
        // As TcpServer draws it, so that a seed picks the same connection in both variants.
        final int drawn = connections / 2 + random.nextInt(Math.max(1, connections / 4));
        this.culprit = buggy ? drawn : -1;
    }

    public static void main(final String[] args) throws IOException
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length != 6)
        {
            out.println("usage: TcpMainProcess DIR SEED CONNECTIONS WARMUP exact|coarse buggy|correct");
            System.exit(2);
        }
        final Path dir = Paths.get(args[0]);
        final ClockMode clock = ClockMode.valueOf(args[4].toUpperCase(java.util.Locale.ROOT));
        Thread.currentThread().setName(TcpServer.MAIN_THREAD);
        try (SharedConnections shared = new SharedConnections(dir, clock);
             HandOffRings rings = HandOffRings.attach(dir.resolve(SharedConnections.RINGS_FILE));
             ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress()))
        {
            out.println(TcpServer.MAIN_THREAD + ": pid " + ProcessHandle.current().pid() + ", " + LISTENING +
                listener.getLocalPort() + ", connection structs in " + dir.resolve(SharedConnections.HEAP_FILE));
            final TcpMainProcess main = new TcpMainProcess(out, shared, rings, listener, Integer.parseInt(args[3]),
                Integer.parseInt(args[2]), Long.parseLong(args[1]), args[5].equals("buggy"));
            main.run();
        }
        catch (final RuntimeException | IOException ex)
        {
            out.println(TcpServer.MAIN_THREAD + ": failed: " + ex);
            Runtime.getRuntime().halt(TcpServer.STUCK_EXIT);
        }
    }

    private void run() throws IOException
    {
        awaitWorkers();
        while (accepted < warmup)
        {
            round();
        }
        // The window opens before the first measured accept; the warm-up connections still open then are
        // served inside it, so it counts the connections closed in it.
        final int closedBefore = closed;
        final long start = System.nanoTime();
        while (accepted < connections || !open.isEmpty())
        {
            round();
        }
        final long nanos = System.nanoTime() - start;
        for (int w = 0; w < TcpServer.WORKERS; w++)
        {
            send(w, HandOffDescriptor.STOP, 0, 0, 0);
        }
        final int served = closed - closedBefore;
        out.println(SERVED + served + " connections in " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms" +
            (warmup == 0 ? "" : " after " + warmup + " not counted (warm-up)") + ": " +
            (long)(served * 1e9 / nanos) + " connections/s; no crash this time");
    }

    /** Every worker says hello once it has attached the heap and the history file. */
    private void awaitWorkers()
    {
        final long deadline = System.nanoTime() + HELLO_TIMEOUT_NANOS;
        int hellos = 0;
        while (hellos < TcpServer.WORKERS)
        {
            final int read = rings.toMain().read((type, buffer, index, length) ->
            {
                if (type == HandOffDescriptor.HELLO)
                {
                    workerPids[buffer.getInt(index + ARGUMENT_OFFSET) - 1] = buffer.getLong(index + ADDRESS_OFFSET);
                }
            }, 1);
            hellos += read;
            if (read == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    stuck("the workers did not all attach in " + TimeUnit.NANOSECONDS.toSeconds(HELLO_TIMEOUT_NANOS) +
                        " s");
                }
                idle.idle();
            }
        }
        idle.reset();
        final StringBuilder sb = new StringBuilder(TcpServer.MAIN_THREAD + ": workers attached:");
        for (int w = 0; w < workerPids.length; w++)
        {
            sb.append(w == 0 ? " " : ", ").append(TcpServer.WORKER_THREAD).append(w + 1).append(" pid ")
                .append(workerPids[w]);
        }
        out.println(sb);
    }

    /** One turn of the main loop: accept, send, hand each other open connection to a worker, wait for all. */
    private void round() throws IOException
    {
        if (open.size() < MAX_OPEN && accepted < connections)
        {
            open.add(accept(accepted++));
        }
        // tcp-main's own sends first, while every worker waits for work: when one of them crashes the
        // process, no worker is busy, so every run of a seed leaves the same evidence.
        int pending = 0;
        for (final Open conn : open)
        {
            if (conn.script().peekFirst() == Step.MAIN_SEND)
            {
                conn.script().removeFirst();
                mainSend(conn);
            }
            else
            {
                dispatch(conn, conn.script().removeFirst());
                pending++;
            }
        }
        replies = 0;
        final long deadline = System.nanoTime() + REPLY_TIMEOUT_NANOS;
        while (replies < pending)
        {
            if (rings.toMain().read(onReply) == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    stuck("a worker kept a connection for " + TimeUnit.NANOSECONDS.toSeconds(REPLY_TIMEOUT_NANOS) +
                        " s");
                }
                idle.idle();
            }
        }
        idle.reset();
    }

    private void onReply(final int type, final DirectBuffer buffer, final int index, final int length)
    {
        if (type != HandOffDescriptor.DONE)
        {
            return;
        }
        replies++;
        if (buffer.getInt(index + ARGUMENT_OFFSET) == HandOffDescriptor.CLOSE)
        {
            final long address = buffer.getLong(index + ADDRESS_OFFSET);
            for (int i = 0; i < open.size(); i++)
            {
                if (open.get(i).address() == address)
                {
                    closeSocket(open.remove(i).socket());
                    closed++;
                    return;
                }
            }
        }
    }

    private Open accept(final int index) throws IOException
    {
        final Socket socket = listener.accept();
        socket.setSoTimeout((int)TimeUnit.SECONDS.toMillis(30));
        socket.setTcpNoDelay(true);
        readRequest(socket.getInputStream());
        final long address = shared.refCount.create(ConnectionDescriptor.LENGTH, "connect, (%d)");
        final byte[] peer = socket.getInetAddress().getAddress();
        shared.connection.wrap(shared.heap, address).id(index)
            .peer((peer[0] & 0xFF) << 24 | (peer[1] & 0xFF) << 16 | (peer[2] & 0xFF) << 8 | peer[3] & 0xFF,
                socket.getPort())
            .state(ConnectionDescriptor.STATE_ESTABLISHED);
        return new Open(index, address, socket, new ArrayDeque<>(TcpServer.script(index, culprit, random)));
    }

    /** The client's request: one line. */
    private static void readRequest(final InputStream in) throws IOException
    {
        int b;
        while ((b = in.read()) != '\n')
        {
            if (b < 0)
            {
                throw new IOException("the client hung up before its request");
            }
        }
    }

    /** tcp-main hands the connection over, by address, with a reference of the worker's own, except on close. */
    private void dispatch(final Open conn, final Step step)
    {
        final long address = conn.address();
        final int type;
        int argument = 0;
        switch (step)
        {
            case READ:
                shared.refCount.ref(address, "tcpconn read, (%d)");
                shared.handOff(address, "read");
                type = HandOffDescriptor.READ;
                argument = 1 + random.nextInt(2);
                break;
            case ASYNC_WRITE:
                shared.refCount.ref(address, "tcpconn write, (%d)");
                shared.handOff(address, "write");
                type = HandOffDescriptor.ASYNC_WRITE;
                break;
            case CLOSE:
                // The peer hung up: tcp-main's own reference goes to the worker, which drops it.
                shared.connection.wrap(shared.heap, address).state(ConnectionDescriptor.STATE_CLOSING);
                shared.handOff(address, "close");
                type = HandOffDescriptor.CLOSE;
                break;
            default:
                throw new IllegalStateException("not a worker step: " + step);
        }
        final int flags = step == Step.ASYNC_WRITE && conn.index() == culprit ?
            HandOffDescriptor.FLAG_PARTIAL_WRITE : 0;
        send(random.nextInt(TcpServer.WORKERS), type, address, argument, flags);
    }

    private void send(final int worker, final int type, final long address, final int argument, final int flags)
    {
        while (!rings.send(rings.toWorker(worker), type, address, argument, flags))
        {
            idle.idle(); // full: never with one message per open connection, but a full ring only waits
        }
        idle.reset();
    }

    /**
     * tcp-main's own send, as the C server does it: {@code tcp_conn_get} takes a reference, then
     * {@code tcp_conn_write} reads the connection's state and writes. The state read goes through the heap's
     * checked access, so on a freed struct it is where the process dies.
     */
    private void mainSend(final Open conn) throws IOException
    {
        final long address = conn.address();
        tcpConnGet(address);
        try
        {
            if (shared.heap.checked().getInt(address + ConnectionDescriptor.STATE_OFFSET) !=
                ConnectionDescriptor.STATE_ESTABLISHED)
            {
                throw new IllegalStateException("connection #" + conn.index() + " is not established");
            }
        }
        catch (final UseAfterFreeException ex)
        {
            crash(conn, ex);
        }
        conn.socket().getOutputStream().write(REPLY);
        shared.connection.wrap(shared.heap, address).addBytesSent(REPLY.length);
        shared.refCount.unref(address, "send 6, (%d)");
    }

    /**
     * OpenSIPS's {@code tcp_conn_get}: the connection is found by tcp-main's own pointer and its count
     * incremented in place ({@code con->refcnt++}), with none of {@link org.structhist.alloc.RefCount}'s
     * refcount_t rules: that is how a freed struct gets a reference in the C server, and so here. Logged
     * like RefCount logs, with the new count, through the handle in the struct.
     */
    private void tcpConnGet(final long address)
    {
        final long countAddress = address + ConnectionDescriptor.REFCOUNT_OFFSET;
        int count;
        do
        {
            count = shared.heap.getIntVolatile(countAddress);
        }
        while (!shared.heap.compareAndSetInt(countAddress, count, count + 1));
        shared.connections.log(shared.refCount.historyHandle(address), TcpVerb.TCP_REF, count + 1,
            "tcp_conn_get, (%d)", count + 1);
    }

    /** Dies like the C server: no shutdown hooks, no close of the history file or the heap, no flush by anyone. */
    private void crash(final Open conn, final UseAfterFreeException ex)
    {
        final String hex = "0x" + Long.toHexString(conn.address());
        out.println(TcpServer.MAIN_THREAD + ": " + accepted + " connections accepted, " + closed + " closed, " +
            open.size() + " open");
        out.println(TcpServer.CRASH_MARK + hex + ") \u2014 the backtrace shows the effect, not the cause:");
        out.println(CAUGHT + ex.getMessage());
        out.println("    " + CONNECTION + conn.index() + " from 127.0.0.1:" + conn.socket().getPort());
        out.println("    #0  tcp_conn_write (conn=" + hex + ") at net/tcp_main.c");
        out.println("    #1  tcp_main_send (conn=" + hex + ") at net/tcp_main.c");
        out.println("    #2  tcp_main_loop () at net/tcp_main.c");
        out.println("    #3  main () at main.c");
        out.flush();
        Runtime.getRuntime().halt(TcpServer.CRASH_EXIT);
    }

    private void stuck(final String why)
    {
        out.println(TcpServer.MAIN_THREAD + ": " + why + "; giving up");
        Runtime.getRuntime().halt(TcpServer.STUCK_EXIT);
    }

    private static void closeSocket(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // Closing a socket the client may have reset already: nothing to do about it.
        }
    }
}
