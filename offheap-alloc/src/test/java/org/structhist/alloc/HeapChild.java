package org.structhist.alloc;

import org.structhist.io.ProcessIdentity;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The child process of the multi-process tests: {@code MODE HEAP_FILE OPTIONS ...}, where OPTIONS is
 * {@link #optionsArg} (every process of a heap must open it with the same options). Lines on stdout are
 * the protocol; commands come one per line on stdin. End of stdin (the test JVM closed it or died) halts
 * the child, and so does a lifetime cap, so no child outlives its test.
 * <ul>
 * <li>{@code storm FILE OPTIONS THREADS OPS SEED}: prints READY, waits for "go", runs THREADS storms of
 * OPS steps, frees all (checking every stamp), prints {@code DONE <allocations>} and exits 0.</li>
 * <li>{@code survivor FILE OPTIONS SEED}: prints READY and storms (one thread, in short batches) until
 * "stop", then frees all and prints {@code DONE <allocations>}.</li>
 * <li>{@code victim FILE OPTIONS SEED PINNED}: allocates PINNED stamped chunks of several classes and
 * prints {@code PINNED a1 a2 ...} (hex), then storms on two threads until killed; READY once both have
 * stormed a while.</li>
 * <li>{@code hold FILE OPTIONS COUNT}: allocates COUNT chunks, prints {@code HELD a1 a2 ...}, waits for
 * "exit" and exits 0 without freeing them.</li>
 * <li>{@code nospace FILE CAPACITY}: opens a heap that cannot fit; prints {@code REFUSED <message>} and
 * exits 0 if the heap refused it, {@code CREATED} and exits 1 if it did not notice.</li>
 * </ul>
 * Any failure prints {@code FAIL <what>} and exits 1.
 */
public final class HeapChild
{
    static final int ORPHANED_EXIT = 86;
    static final int TOO_LONG_EXIT = 87;
    private static final long MAX_LIFETIME_MILLIS = TimeUnit.MINUTES.toMillis(3);
    private static final BlockingQueue<String> COMMANDS = new LinkedBlockingQueue<>();
    /** The sizes of a victim's pinned chunks, in turn; each is stamped with tag(pid, PINNED_THREAD, i). */
    static final long[] PINNED_SIZES = {24, 200, 1000, 5000, 40_000};
    static final int PINNED_THREAD = 9;
    /** Storm threads of a victim: each can be caught mid-operation by the kill. */
    static final int VICTIM_THREADS = 2;

    private HeapChild()
    {
    }

    /** OPTIONS as the children parse it; the history file, if any, is the last field ("-" for none). */
    static String optionsArg(final long capacity, final boolean poison, final long quarantineBytes, final Path history)
    {
        return capacity + "," + poison + "," + quarantineBytes + "," + (history == null ? "-" : history.toString());
    }

    static HeapOptions parseOptions(final String arg)
    {
        final String[] parts = arg.split(",", 4);
        final HeapOptions options =
            HeapOptions.capacity(Long.parseLong(parts[0])).poison(Boolean.parseBoolean(parts[1]))
            .quarantineBytes(Long.parseLong(parts[2]));
        if ("-".equals(parts[3]))
        {
            return options.history(null);
        }
        return options.history(TestHeaps.historyFile(Paths.get(parts[3])).list("shm"));
    }

    public static void main(final String[] args)
    {
        startWatchdog();
        try
        {
            switch (args[0])
            {
                case "storm": storm(args); break;
                case "survivor": survivor(args); break;
                case "victim": victim(args); break;
                case "hold": hold(args); break;
                case "nospace": noSpace(args); break;
                default: throw new IllegalArgumentException("unknown mode " + args[0]);
            }
            System.out.flush();
            System.exit(0);
        }
        catch (final Throwable ex)
        {
            println("FAIL " + ex);
            ex.printStackTrace();
            System.err.flush();
            System.exit(1);
        }
    }

    private static SharedHeap open(final String[] args)
    {
        return SharedHeap.open(Paths.get(args[1]), parseOptions(args[2]));
    }

    private static void storm(final String[] args) throws Exception
    {
        final SharedHeap heap = open(args);
        final int threads = Integer.parseInt(args[3]);
        final int ops = Integer.parseInt(args[4]);
        final long seed = Long.parseLong(args[5]);
        println("READY");
        awaitCommand("go");
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] allocations = new long[threads];
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    final Storm storm = new Storm(heap, ProcessIdentity.PID, thread, seed * 31 + thread, 64, held);
                    for (int i = 0; i < ops; i++)
                    {
                        storm.step();
                    }
                    storm.freeAll();
                    allocations[thread] = storm.allocations();
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "storm-" + t);
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        if (failure.get() != null)
        {
            throw new AssertionError("a storm thread failed", failure.get());
        }
        long total = 0;
        for (final long n : allocations)
        {
            total += n;
        }
        println("DONE " + total);
    }

    private static void survivor(final String[] args) throws Exception
    {
        final SharedHeap heap = open(args);
        final Storm storm = new Storm(heap, ProcessIdentity.PID, 0, Long.parseLong(args[3]), 64,
            ConcurrentHashMap.newKeySet());
        println("READY");
        while (!"stop".equals(COMMANDS.poll()))
        {
            for (int i = 0; i < 200; i++)
            {
                storm.step();
            }
            // Yields the CPU now and then: on two cores the victims and the test JVM must get to run too.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        storm.freeAll();
        println("DONE " + storm.allocations());
    }

    private static void victim(final String[] args) throws Exception
    {
        final SharedHeap heap = open(args);
        final long seed = Long.parseLong(args[3]);
        final int pinned = Integer.parseInt(args[4]);
        final StringBuilder line = new StringBuilder("PINNED");
        for (int i = 0; i < pinned; i++)
        {
            final long size = PINNED_SIZES[i % PINNED_SIZES.length];
            final long address = heap.allocate(size);
            Stamp.write(heap, address, size, Stamp.tag(ProcessIdentity.PID, PINNED_THREAD, i));
            line.append(' ').append(Long.toHexString(address));
        }
        println(line.toString());
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        final CountDownLatch warmedUp = new CountDownLatch(VICTIM_THREADS);
        for (int t = 0; t < VICTIM_THREADS; t++)
        {
            final int thread = t;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    final Storm storm = new Storm(heap, ProcessIdentity.PID, thread, seed * 31 + thread, 32, held);
                    long steps = 0;
                    while (true)
                    {
                        storm.step();
                        if (++steps == 2000)
                        {
                            warmedUp.countDown();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    println("FAIL " + ex);
                    ex.printStackTrace();
                    System.err.flush();
                    Runtime.getRuntime().halt(1);
                }
            }, "victim-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        warmedUp.await();
        println("READY");
        // Storms on until SIGKILL; the watchdog ends it if the test JVM goes away.
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void hold(final String[] args) throws Exception
    {
        final SharedHeap heap = open(args);
        final int count = Integer.parseInt(args[3]);
        final StringBuilder line = new StringBuilder("HELD");
        for (int i = 0; i < count; i++)
        {
            line.append(' ').append(Long.toHexString(heap.allocate(16L + 300 * i)));
        }
        println(line.toString());
        awaitCommand("exit");
    }

    private static void noSpace(final String[] args)
    {
        try
        {
            SharedHeap.open(Paths.get(args[1]), HeapOptions.capacity(Long.parseLong(args[2])).history(null));
            println("CREATED");
            System.exit(1);
        }
        catch (final HeapException ex)
        {
            println("REFUSED " + ex.getMessage());
        }
    }

    private static void awaitCommand(final String command) throws InterruptedException
    {
        while (true)
        {
            final String line = COMMANDS.take();
            if (command.equals(line))
            {
                return;
            }
        }
    }

    static void println(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }

    private static void startWatchdog()
    {
        final Thread stdin = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    COMMANDS.add(line.trim());
                }
            }
            catch (final java.io.IOException ignore)
            {
                // A broken stdin means the same as its end: the test JVM is gone.
            }
            // halt, not exit: a storm thread must not run on while shutdown hooks do.
            Runtime.getRuntime().halt(ORPHANED_EXIT);
        }, "watchdog-stdin");
        stdin.setDaemon(true);
        stdin.start();
        final Thread timer = new Thread(() ->
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_LIFETIME_MILLIS);
            long left;
            while ((left = deadline - System.nanoTime()) > 0)
            {
                LockSupport.parkNanos(left); // may return early: parks again until the deadline
            }
            System.err.println("child ran for more than " + MAX_LIFETIME_MILLIS + " ms: halting");
            Runtime.getRuntime().halt(TOO_LONG_EXIT);
        }, "watchdog-timer");
        timer.setDaemon(true);
        timer.start();
    }
}
