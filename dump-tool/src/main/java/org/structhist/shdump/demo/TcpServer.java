package org.structhist.shdump.demo;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;
import org.structhist.shdump.demo.TcpConnection.Step;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server {@code shdump demo} runs in a child JVM and lets crash: the OpenSIPS TCP refcount bug,
 * replayed. A "tcp-main" thread accepts refcounted connections and hands them to tcpworker threads
 * for reads, asynchronous writes and closing; every ref, unref, hand-off and destroy goes to the
 * history file. One asynchronous write (the seed picks which) takes a path that drops its reference
 * twice, so the worker destroys a connection tcp-main still holds; tcp-main's next send on it
 * "segfaults" and the process dies on the spot, as a C server would, with no chance to clean up.
 * <p>
 * Deterministic by construction, so the culprit is the same every run of a seed: the main loop goes in
 * rounds, giving each open connection one step and waiting for every worker to hand its connection
 * back before the next round (queues, no sleeps), and all choices come from one seeded {@link Random}
 * used by tcp-main alone. Threads still run at once within a round: workers log to their connections
 * while tcp-main logs to others.
 * <p>
 * Arguments: {@code FILE SEED}. Needs Agrona's {@code --add-exports} flag and {@code -Dstructhist=true}.
 */
public final class TcpServer
{
    /** The history list the server logs to. */
    public static final String LIST = "TCP con";
    /** The first connection's address; the next ones follow every {@link #STRIDE} bytes, like a slab. */
    public static final long FIRST_ADDRESS = 0x7f95acf6ea60L;
    public static final long STRIDE = 0x60L;
    /** 128 + SIGABRT: what a C server's SIGSEGV handler that calls abort() leaves as exit status. */
    public static final int CRASH_EXIT = 134;
    /** Starts the crash report's first line; the connection's address follows. */
    public static final String CRASH_MARK = "*** SIGSEGV in tcp_conn_write(conn=";
    public static final String MAIN_THREAD = "tcp-main";
    public static final String WORKER_THREAD = "tcpworker-";
    public static final int WORKERS = 3;

    static final int CONNECTIONS = 40;
    /** At most this many connections open at once: the crash leaves the others live (leaked at death). */
    static final int MAX_OPEN = 3;
    /** Exit status when a worker does not hand a connection back: a bug in the demo, not the bug it shows. */
    static final int STUCK_EXIT = 70;
    private static final long ROUND_TIMEOUT_SECONDS = 30;

    private final PrintStream out;
    private final Random random;
    /** The one connection whose asynchronous write takes the buggy partial-write path. */
    private final int culprit;
    private final HistoryList list;
    private final List<BlockingQueue<Job>> workQueues = new ArrayList<>();
    private final BlockingQueue<Job> backToMain = new LinkedBlockingQueue<>();
    private final List<TcpConnection> open = new ArrayList<>();
    private int accepted;
    private int closed;

    /** One step handed to a worker, and back to tcp-main when done. */
    private record Job(TcpConnection conn, Step step, int replies, boolean partialWrite)
    {
        static final Job STOP = new Job(null, null, 0, false);
    }

    private TcpServer(final PrintStream out, final HistoryList list, final long seed)
    {
        this.out = out;
        this.list = list;
        this.random = new Random(seed);
        // Past the middle, so that many connections were served correctly before it.
        this.culprit = CONNECTIONS / 2 + random.nextInt(CONNECTIONS / 4);
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length != 2)
        {
            out.println("usage: TcpServer FILE SEED");
            System.exit(2);
        }
        if (!StructHistory.ENABLED)
        {
            out.println("tcp-main: struct history is off: run with -D" + StructHistory.ENABLED_PROPERTY + "=true");
            System.exit(2);
        }
        final Path path = Paths.get(args[0]);
        final long seed = Long.parseLong(args[1]);
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20));
        final HistoryList list = file.list(LIST, ListOptions.window(256).eventsPerObject(64));
        out.println(MAIN_THREAD + ": pid " + ProcessHandle.current().pid() + ", " + WORKERS + " " + WORKER_THREAD +
            "N threads, struct history in " + path);

        final TcpServer server = new TcpServer(out, list, seed);
        // A thread of its own, so that its events carry the name a reader looks for, not "main".
        final Thread main = new Thread(server::mainLoop, MAIN_THREAD);
        main.setUncaughtExceptionHandler((thread, ex) ->
        {
            ex.printStackTrace(out);
            Runtime.getRuntime().halt(STUCK_EXIT);
        });
        main.start();
        main.join();
        file.close();
        out.println(MAIN_THREAD + ": all " + CONNECTIONS + " connections served and closed; no crash this time");
    }

    private void mainLoop()
    {
        final List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++)
        {
            final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
            workQueues.add(queue);
            final Thread worker = new Thread(() -> worker(queue), WORKER_THREAD + (w + 1));
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        try
        {
            while (accepted < CONNECTIONS || !open.isEmpty())
            {
                round();
            }
            for (final BlockingQueue<Job> queue : workQueues)
            {
                queue.put(Job.STOP);
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** One turn of the main loop: accept, send, hand each other open connection to a worker, wait for all. */
    private void round() throws InterruptedException
    {
        if (open.size() < MAX_OPEN && accepted < CONNECTIONS)
        {
            open.add(accept(accepted++));
        }
        // tcp-main's own sends first, while every worker waits for work: when one of them crashes the
        // process, no worker is cut off mid-record, so every run of a seed leaves the same evidence.
        final Set<TcpConnection> sent = new HashSet<>();
        for (final TcpConnection conn : open)
        {
            if (conn.script.peekFirst() == Step.MAIN_SEND)
            {
                conn.script.removeFirst();
                mainSend(conn);
                sent.add(conn);
            }
        }
        int pending = 0;
        for (final TcpConnection conn : open)
        {
            if (!sent.contains(conn))
            {
                dispatch(conn, conn.script.removeFirst());
                pending++;
            }
        }
        for (int i = 0; i < pending; i++)
        {
            final Job done = backToMain.poll(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (done == null)
            {
                out.println(MAIN_THREAD + ": a worker kept a connection for " +
                    ROUND_TIMEOUT_SECONDS + " s; giving up");
                Runtime.getRuntime().halt(STUCK_EXIT);
            }
            if (done.step() == Step.CLOSE)
            {
                open.remove(done.conn());
                closed++;
            }
        }
    }

    private TcpConnection accept(final int index)
    {
        final TcpConnection conn = new TcpConnection(index, FIRST_ADDRESS + index * STRIDE, list);
        conn.script.addAll(script(index, culprit, random));
        return conn;
    }

    /**
     * What the client will make the server do with connection {@code index}, drawn from {@code random}:
     * shared with the process variant ({@link TcpMainProcess}), so that a seed tells the same story in both.
     */
    static List<Step> script(final int index, final int culprit, final Random random)
    {
        final List<Step> script = new ArrayList<>();
        script.add(Step.READ);
        if (index == culprit)
        {
            // A request or two first, then the write that takes the buggy path, then a send by tcp-main,
            // which still holds its reference and has no reason to doubt it.
            for (int i = random.nextInt(3); i > 0; i--)
            {
                script.add(random.nextBoolean() ? Step.READ : Step.MAIN_SEND);
            }
            script.add(Step.ASYNC_WRITE);
            script.add(Step.MAIN_SEND);
        }
        else
        {
            final Step[] middle = {Step.READ, Step.MAIN_SEND, Step.ASYNC_WRITE};
            for (int i = 1 + random.nextInt(4); i > 0; i--)
            {
                script.add(middle[random.nextInt(middle.length)]);
            }
        }
        script.add(Step.CLOSE);
        return script;
    }

    /** tcp-main hands the connection over with a reference of the worker's own, except on close. */
    private void dispatch(final TcpConnection conn, final Step step) throws InterruptedException
    {
        final int replies;
        switch (step)
        {
            case READ:
                conn.ref("tcpconn read, (%d)");
                conn.handOff("read");
                replies = 1 + random.nextInt(2);
                break;
            case ASYNC_WRITE:
                conn.ref("tcpconn write, (%d)");
                conn.handOff("write");
                replies = 0;
                break;
            case CLOSE:
                // The peer hung up: tcp-main's own reference goes to the worker, which drops it.
                conn.handOff("close");
                replies = 0;
                break;
            default:
                throw new IllegalStateException("not a worker step: " + step);
        }
        final boolean partialWrite = step == Step.ASYNC_WRITE && conn.index == culprit;
        workQueues.get(random.nextInt(WORKERS)).put(new Job(conn, step, replies, partialWrite));
    }

    private void mainSend(final TcpConnection conn)
    {
        conn.ref("tcp_conn_get, (%d)");
        tcpConnWrite(conn);
        conn.unref("send 6, (%d)");
    }

    /** Where the C server segfaults: writing to a connection whose memory was freed and reused. */
    private void tcpConnWrite(final TcpConnection conn)
    {
        if (!conn.isFreed())
        {
            return;
        }
        final String address = "0x" + Long.toHexString(conn.address);
        out.println(MAIN_THREAD + ": " + accepted + " connections accepted, " + closed + " closed, " + open.size() +
            " open");
        out.println(CRASH_MARK + address + ") \u2014 the backtrace shows the effect, not the cause:");
        out.println("    #0  tcp_conn_write (conn=" + address + ") at net/tcp_main.c");
        out.println("    #1  tcp_main_send (conn=" + address + ") at net/tcp_main.c");
        out.println("    #2  tcp_main_loop () at net/tcp_main.c");
        out.println("    #3  main () at main.c");
        out.flush();
        // Die like the C server: no shutdown hooks, no close of the history file, no flush by anyone.
        Runtime.getRuntime().halt(CRASH_EXIT);
    }

    private void worker(final BlockingQueue<Job> queue)
    {
        try
        {
            while (true)
            {
                final Job job = queue.take();
                if (job == Job.STOP)
                {
                    return;
                }
                serve(job);
                backToMain.put(job);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void serve(final Job job)
    {
        final TcpConnection conn = job.conn();
        switch (job.step())
        {
            case READ:
                for (int i = 0; i < job.replies(); i++)
                {
                    conn.ref("tcp_conn_get, (%d)");
                    conn.unref("send 6, (%d)");
                }
                conn.unref("tcpworker release, (%d)");
                break;
            case ASYNC_WRITE:
                if (job.partialWrite())
                {
                    // THE BUG this demo replays: when the socket takes only part of the data, this path
                    // gives the write's reference back as it queues the rest, and the completion below
                    // gives it back again. Rare timing takes it in production; here the seed does.
                    conn.unref("tcpworker async write, (%d)");
                }
                conn.unref("tcpworker async write, (%d)");
                break;
            case CLOSE:
                conn.unref("tcpworker destroy, (%d)");
                break;
            default:
                throw new IllegalStateException("not a worker step: " + job.step());
        }
    }
}
