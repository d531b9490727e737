package org.structhist.shdump.demo;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.structhist.ClockMode;
import org.structhist.alloc.RefCount;
import org.structhist.alloc.example.ConnectionDescriptor;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.structhist.shdump.demo.HandOffDescriptor.ADDRESS_OFFSET;
import static org.structhist.shdump.demo.HandOffDescriptor.ARGUMENT_OFFSET;
import static org.structhist.shdump.demo.HandOffDescriptor.FLAGS_OFFSET;

/**
 * A tcpworker process: takes connection structs by address from its ring, works on them in the shared
 * heap with the reference tcp-main handed over, drops that reference and hands the address back. Its one
 * flaw is the demo's bug: on a partial write it drops the write's reference twice.
 * <p>
 * Arguments: {@code DIR N MAIN_PID CLOCK}. Exits on STOP, or when tcp-main's process is gone (it crashed):
 * a worker of a dead server has nothing left to do, and must not outlive it.
 */
public final class TcpWorkerProcess
{
    /** How often an idle worker looks whether tcp-main still runs. */
    private static final long PARENT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final SharedConnections shared;
    private final RefCount refCount;
    private final HandOffRings rings;
    private final int number;
    private final MessageHandler onHandOff = this::onHandOff;
    private boolean stopped;
    private int served;

    private TcpWorkerProcess(final SharedConnections shared, final HandOffRings rings, final int number)
    {
        this.shared = shared;
        this.refCount = shared.refCount;
        this.rings = rings;
        this.number = number;
    }

    public static void main(final String[] args)
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length != 4)
        {
            out.println("usage: TcpWorkerProcess DIR N MAIN_PID exact|coarse");
            System.exit(2);
        }
        final Path dir = Paths.get(args[0]);
        final int number = Integer.parseInt(args[1]);
        final long mainPid = Long.parseLong(args[2]);
        final String name = TcpServer.WORKER_THREAD + number;
        // The thread that logs is named like the worker, so its events say which worker wrote them.
        Thread.currentThread().setName(name);
        final Optional<ProcessHandle> main = ProcessHandle.of(mainPid);
        try (SharedConnections shared = new SharedConnections(dir, ClockMode.valueOf(args[3].toUpperCase(Locale.ROOT)));
             HandOffRings rings = HandOffRings.attach(dir.resolve(SharedConnections.RINGS_FILE)))
        {
            final TcpWorkerProcess worker = new TcpWorkerProcess(shared, rings, number);
            final long pid = ProcessHandle.current().pid();
            if (!rings.send(rings.toMain(), HandOffDescriptor.HELLO, pid, number, 0))
            {
                throw new IllegalStateException("the ring to tcp-main is full");
            }
            final boolean mainGone = worker.serve(main);
            out.println(name + ": pid " + pid + ", served " + worker.served + " hand-offs; " +
                (mainGone ? "tcp-main is gone, exiting" : "stopped by tcp-main"));
        }
        catch (final RuntimeException ex)
        {
            out.println(name + ": failed: " + ex);
            System.exit(TcpServer.STUCK_EXIT);
        }
    }

    /** Serves hand-offs until STOP (false) or until tcp-main's process is gone (true). */
    private boolean serve(final Optional<ProcessHandle> main)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(500));
        long nextCheck = System.nanoTime() + PARENT_CHECK_NANOS;
        while (!stopped)
        {
            if (rings.toWorker(number - 1).read(onHandOff) > 0)
            {
                idle.reset();
                continue;
            }
            final long now = System.nanoTime();
            if (now > nextCheck)
            {
                if (main.isEmpty() || !main.get().isAlive())
                {
                    return true;
                }
                nextCheck = now + PARENT_CHECK_NANOS;
            }
            idle.idle();
        }
        return false;
    }

    private void onHandOff(final int type, final DirectBuffer buffer, final int index, final int length)
    {
        if (type == HandOffDescriptor.STOP)
        {
            stopped = true;
            return;
        }
        final long address = buffer.getLong(index + ADDRESS_OFFSET);
        // A real read of the struct, through the check a careful C worker cannot make.
        shared.heap.checked().getInt(address + ConnectionDescriptor.STATE_OFFSET);
        switch (type)
        {
            case HandOffDescriptor.READ:
                for (int i = buffer.getInt(index + ARGUMENT_OFFSET); i > 0; i--)
                {
                    refCount.ref(address, "tcp_conn_get, (%d)");
                    shared.connection.wrap(shared.heap, address).addBytesSent(6);
                    refCount.unref(address, "send 6, (%d)");
                }
                refCount.unref(address, "tcpworker release, (%d)");
                break;
            case HandOffDescriptor.ASYNC_WRITE:
                if ((buffer.getInt(index + FLAGS_OFFSET) & HandOffDescriptor.FLAG_PARTIAL_WRITE) != 0)
                {
                    // THE BUG this demo replays: when the socket takes only part of the data, this path
                    // gives the write's reference back as it queues the rest, and the completion below
                    // gives it back again. Rare timing takes it in production; here the seed does.
                    refCount.unref(address, "tcpworker async write, (%d)");
                }
                refCount.unref(address, "tcpworker async write, (%d)");
                break;
            case HandOffDescriptor.CLOSE:
                refCount.unref(address, "tcpworker destroy, (%d)");
                break;
            default:
                return;
        }
        served++;
        while (!rings.send(rings.toMain(), HandOffDescriptor.DONE, address, type, 0))
        {
            Thread.onSpinWait();
        }
    }
}
