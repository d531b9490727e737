package org.structhist.demo;

import org.structhist.Effect;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;
import org.structhist.Verb;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenSIPS TCP refcount bug, replayed: a main loop opens "connections" and hands them to worker
 * threads; a worker's async write drops one reference too many on one path, so the connection is
 * destroyed while the main loop still uses it. Every ref, unref and hand-off goes to a history file;
 * afterwards the demo reads the file back, as a post-mortem tool would, finds the connection that was
 * used after it was destroyed, and prints its history.
 */
public final class TcpRefcountDemo
{
    enum TcpVerb implements Verb
    {
        TCP_REF(Effect.REF), TCP_UNREF(Effect.UNREF), TCP_SEND2CHILD(Effect.NONE), TCP_DESTROY(Effect.DESTROY);

        private final Effect effect;

        TcpVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    /** A refcounted connection, as a C server would keep it in shared memory. */
    static final class Connection
    {
        final long address;
        final AtomicInteger refcnt = new AtomicInteger(1);
        final History sh;

        /** Tells a worker to stop; never pushed, never logged. */
        static final Connection STOP = new Connection();

        private Connection()
        {
            this.address = 0;
            this.sh = History.NOOP;
        }

        Connection(final long address, final HistoryList list)
        {
            this.address = address;
            this.sh = list.push(address);
            sh.log(TcpVerb.TCP_REF, "connect, (%d)", refcnt.get());
        }

        /** {@code format} is a literal with one %d for the new count: interned once, formatted by the reader. */
        void ref(final String format)
        {
            sh.log(TcpVerb.TCP_REF, format, refcnt.incrementAndGet());
        }

        void unref(final String format)
        {
            final int left = refcnt.decrementAndGet();
            sh.log(TcpVerb.TCP_UNREF, format, left);
            if (left == 0)
            {
                sh.log(TcpVerb.TCP_DESTROY, "type=%d", 2);
                sh.unref();
            }
        }
    }

    public static void main(final String[] args) throws Exception
    {
        if (!StructHistory.ENABLED)
        {
            System.err.println("run with -Dstructhist=true (struct history is off by default)");
            System.exit(2);
        }
        final Path path = args.length > 0 ? Paths.get(args[0]) : Files.createTempDirectory("structhist-demo").resolve("demo.hist");
        Files.deleteIfExists(path);
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(16L << 20));
        final HistoryList tcp = file.list("TCP con", ListOptions.window(1024).eventsPerObject(32));

        final BlockingQueue<Connection> toWorkers = new ArrayBlockingQueue<>(64);
        final Thread[] workers = new Thread[2];
        for (int w = 0; w < workers.length; w++)
        {
            final int id = w;
            workers[w] = new Thread(() -> worker(id, toWorkers), "tcpworker-" + w);
            workers[w].start();
        }
        for (int i = 0; i < 200; i++)
        {
            final Connection c = new Connection(0x7f95acf60000L + i * 0x60L, tcp);
            c.ref("tcp_conn_get, (%d)");
            c.unref("send 6, (%d)");
            c.ref("tcpconn write, (%d)");
            c.sh.log(TcpVerb.TCP_SEND2CHILD, "write");
            toWorkers.put(c);
            Thread.sleep(0, 200_000);
            // The main loop still holds its first reference and uses the connection again.
            c.sh.log(TcpVerb.TCP_SEND2CHILD, "main: read more, (%d)", c.refcnt.get());
            c.unref("main done, (%d)");
        }
        for (int w = 0; w < workers.length; w++)
        {
            toWorkers.put(Connection.STOP);
        }
        for (final Thread worker : workers)
        {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        }
        file.close();

        postMortem(path);
    }

    private static void worker(final int id, final BlockingQueue<Connection> queue)
    {
        try
        {
            while (true)
            {
                final Connection c = queue.take();
                if (c == Connection.STOP)
                {
                    return;
                }
                if (c.address % 7 == 3)
                {
                    // The bug: an async write path unrefs, then unrefs again on completion.
                    c.unref("tcpworker async write, (%d)");
                }
                c.unref("tcpworker destroy, (%d)");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** What shdump does: open the file cold, find a use after destroy, print that history. */
    private static void postMortem(final Path path)
    {
        System.out.println("history file: " + path);
        final HistoryReader reader = HistoryReader.open(path);
        for (final Incarnation incarnation : reader.incarnations(reader.list("TCP con").orElseThrow()))
        {
            final List<Event> events = reader.events(incarnation);
            int destroyedAt = -1;
            for (final Event e : events)
            {
                if (destroyedAt >= 0)
                {
                    System.out.printf("use after destroy: connection 0x%x event #%d after TCP_DESTROY at #%d%n%n",
                        incarnation.address(), e.position(), destroyedAt);
                    printHistory(events);
                    return;
                }
                if (e.effect() == Effect.DESTROY)
                {
                    destroyedAt = e.position();
                }
            }
        }
        System.out.println("no use after destroy found this run (the race did not fire); run again");
    }

    private static void printHistory(final List<Event> events)
    {
        long previous = events.get(0).wallNanos();
        for (final Event e : events)
        {
            System.out.printf("  #%-3d +%6dus  pid=%-7d %-12s %-15s %s%n", e.position(),
                (e.wallNanos() - previous) / 1000, e.pid(), e.threadName(), e.verb(), e.message());
            previous = e.wallNanos();
        }
    }
}
