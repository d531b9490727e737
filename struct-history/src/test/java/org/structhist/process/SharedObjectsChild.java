package org.structhist.process;

import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Child of {@link SharedObjectsAcrossProcessesTest}.
 * <ul>
 * <li>{@code push FILE}: pushes {@link #OBJECTS} objects and prints {@code HANDLE index hex} for each.</li>
 * <li>{@code log FILE GATE WRITER_ID HANDLE...}: attaches, warms up on a list of its own, prints
 * {@code READY}, waits for the test JVM to open the start gate ({@link ChildSupport#awaitStartGate}), then
 * logs {@link #EVENTS_PER_WRITER} events to every object, round robin, each carrying
 * {@code (writerId, seq, objectIndex)}; prints {@code RAN startNanos endNanos} and {@code DONE}.</li>
 * </ul>
 */
public final class SharedObjectsChild
{
    static final String LIST = "shared objects";
    static final int OBJECTS = 4;
    static final int WRITERS = 2;
    /** Enough that the two runs overlap for tens of ms even when they start a time slice apart. */
    static final int EVENTS_PER_WRITER = 25_000;
    /** Room for every event of both writers, and not one more: nothing may be dropped, the ring must not wrap. */
    static final ListOptions OPTIONS =
        ListOptions.window(OBJECTS).eventsPerObject(WRITERS * EVENTS_PER_WRITER).pinnedFirst(8);
    static final String FORMAT = "writer %d seq %d object %d";
    static final long ADDRESS_BASE = 0x7f95_acf6_0000L;
    static final long ADDRESS_STRIDE = 0x40;
    static final String WARMUP_LIST_PREFIX = "warm-up of writer ";
    static final ListOptions WARMUP_OPTIONS = ListOptions.window(1).eventsPerObject(16);
    static final int WARMUP_EVENTS = 50_000;

    private SharedObjectsChild()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[1]));
        final HistoryList list = file.list(LIST, OPTIONS);
        switch (args[0])
        {
            case "push":
                for (int i = 0; i < OBJECTS; i++)
                {
                    final long handle = list.pushHandle(ADDRESS_BASE + i * ADDRESS_STRIDE);
                    ChildSupport.println("HANDLE " + i + " " + Long.toHexString(handle));
                }
                break;
            case "log":
                log(list, Paths.get(args[2]), Integer.parseInt(args[3]), args);
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        file.close();
        ChildSupport.println("DONE");
    }

    /**
     * Runs the logging path until the JIT has compiled it, on a list of this writer's own: a writer that
     * is still interpreted while the other runs compiled code would mostly log alone, and the test
     * would prove little about concurrent writers.
     */
    private static void warmUp(final HistoryList warmup, final boolean throughHistory)
    {
        final History history = warmup.push(writerAddress());
        for (int i = 0; i < WARMUP_EVENTS; i++)
        {
            if (throughHistory)
            {
                history.log(ChildVerb.WRITE, FORMAT, 0, i, -1);
            }
            else
            {
                warmup.log(history.handle(), ChildVerb.WRITE, FORMAT, 0, i, -1);
            }
        }
    }

    private static long writerAddress()
    {
        return ProcessHandle.current().pid();
    }

    private static void log(final HistoryList list, final Path gate, final int writerId, final String[] args)
        throws IOException
    {
        final long[] handles = new long[args.length - 4];
        final History[] histories = new History[handles.length];
        for (int i = 0; i < handles.length; i++)
        {
            handles[i] = Long.parseUnsignedLong(args[4 + i], 16);
            histories[i] = list.history(handles[i]);
        }
        // Odd writers log through History objects, even ones through the garbage-free handle calls:
        // both paths must land events in the same object.
        final boolean throughHistory = (writerId & 1) == 1;
        warmUp(list.file().list(WARMUP_LIST_PREFIX + writerId, WARMUP_OPTIONS), throughHistory);
        ChildSupport.println("READY");
        ChildSupport.awaitStartGate(gate);
        final long started = System.nanoTime();
        for (int seq = 0; seq < EVENTS_PER_WRITER; seq++)
        {
            for (int i = 0; i < handles.length; i++)
            {
                if (throughHistory)
                {
                    histories[i].log(ChildVerb.WRITE, FORMAT, writerId, seq, i);
                }
                else
                {
                    list.log(handles[i], ChildVerb.WRITE, FORMAT, writerId, seq, i);
                }
            }
        }
        // System.nanoTime is CLOCK_MONOTONIC on Linux, one clock for all processes: the test JVM shows
        // how long the two runs overlapped.
        ChildSupport.println("RAN " + started + " " + System.nanoTime());
    }
}
