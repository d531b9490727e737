package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer in its own JVM for {@link TailAcrossProcessesTest}: opens the file, pushes one object per
 * thread and logs {@link #PRE_EVENTS} events to each, prints READY, waits for GO on stdin, then has each
 * thread log numbered events ("obj ADDRESS seq N", N = the event's position) to its objects at a steady
 * pace, pushing a new object every {@link #PUSH_EVERY} rounds. Prints "DONE address:first:end,..."
 * (the seqs it logged after GO per object: first..end-1) and exits.
 * <p>
 * Arguments: file, threads, rounds, round period in ms. A watchdog halts it when stdin closes (the test
 * JVM went away) or after two minutes, so it never outlives its test.
 */
public final class TailWriterChild
{
    static final String LIST = "tail-test";
    static final int PRE_EVENTS = 5;
    static final int PUSH_EVERY = 40;
    static final long FIRST_ADDRESS = 0x7f00_0000_1000L;

    private TailWriterChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path path = Path.of(args[0]);
        final int threads = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final long periodNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
        final CountDownLatch go = watchdog();

        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20));
        // Events per object well above what a run logs: this test is about delivery, not about the ring.
        final HistoryList list = file.list(LIST, ListOptions.window(32).eventsPerObject(512).pinnedFirst(4));
        final List<List<Tracked>> objects = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final List<Tracked> mine = new ArrayList<>();
            final Tracked first = new Tracked(list.push(address(t, 0)), address(t, 0));
            for (int i = 0; i < PRE_EVENTS; i++)
            {
                first.log();
            }
            first.firstAfterGo = first.seq;
            mine.add(first);
            objects.add(mine);
        }
        println("READY");
        if (!go.await(60, TimeUnit.SECONDS))
        {
            System.err.println("no GO within 60 s");
            System.exit(3);
        }
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            workers[t] = new Thread(() -> work(list, thread, objects.get(thread), rounds, periodNanos), "writer-" + t);
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        final StringJoiner done = new StringJoiner(",", "DONE ", "");
        for (final List<Tracked> mine : objects)
        {
            for (final Tracked o : mine)
            {
                done.add(Address.format(o.address) + ":" + o.firstAfterGo + ":" + o.seq);
            }
        }
        println(done.toString());
        file.close();
        System.exit(0);
    }

    private static long address(final int thread, final int index)
    {
        return FIRST_ADDRESS + 0x100L * thread + index;
    }

    private static void work(final HistoryList list, final int thread, final List<Tracked> mine, final int rounds,
        final long periodNanos)
    {
        final long start = System.nanoTime();
        for (int round = 0; round < rounds; round++)
        {
            // Paced by the clock, not by sleeps: a loaded machine makes rounds late, never the run longer.
            final long due = start + round * periodNanos;
            while (System.nanoTime() - due < 0)
            {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            if (round > 0 && round % PUSH_EVERY == 0)
            {
                final long address = address(thread, mine.size());
                mine.add(new Tracked(list.push(address), address));
            }
            for (final Tracked o : mine)
            {
                o.log();
            }
        }
    }

    private static CountDownLatch watchdog()
    {
        final CountDownLatch go = new CountDownLatch(1);
        final Thread stdin = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    if (line.equals("GO"))
                    {
                        go.countDown();
                    }
                }
            }
            catch (final Exception ignore)
            {
                // A broken stdin means what its end means: the test JVM is gone.
            }
            Runtime.getRuntime().halt(86);
        }, "watchdog-stdin");
        stdin.setDaemon(true);
        stdin.start();
        final Thread timer = new Thread(() ->
        {
            LockSupport.parkNanos(TimeUnit.MINUTES.toNanos(2));
            Runtime.getRuntime().halt(87);
        }, "watchdog-timer");
        timer.setDaemon(true);
        timer.start();
        return go;
    }

    private static void println(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    /** One object and the seq of its next event (= its next position: one thread logs to it). */
    private static final class Tracked
    {
        final History history;
        final long address;
        int seq;
        int firstAfterGo;

        Tracked(final History history, final long address)
        {
            this.history = history;
            this.address = address;
        }

        void log()
        {
            history.log(TestVerb.USE, "obj %x seq %d", address, seq++);
        }
    }
}
