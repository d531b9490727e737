package org.structhist.shdump.follow;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.audit.RefcountReplay;
import org.structhist.shdump.output.TailLines;
import org.structhist.shdump.output.TailLines.NotSeen;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One poll of {@code shdump tail} after another: each prints the events committed since the previous one.
 * <p>
 * Per incarnation (list index, push number) it keeps the first position not yet printed, and reads only
 * the positions from there up to the count the slot's State holds now, each on its own
 * ({@link HistoryReader#event}): a poll costs one slot header per object in the window plus the new
 * events, never the events printed already. Tracking state lives in one entry per slot, replaced when a
 * new push takes the slot, so memory is bounded by the windows, not by how long tail runs.
 * <p>
 * An event is printed only once it is VALID, in position order per object. A record still claimed but
 * not committed holds its object's later events back until a later poll finds it committed; it is given
 * up, with a marker, only when it is still uncommitted at a later poll and its writer is dead, or after
 * {@code stallNanos}. Events the ring overwrote before a poll read them are counted in one marker.
 * Within a poll, the events of different objects are merged by time.
 */
public final class Tailer
{
    private final HistoryReader reader;
    private final String listName;
    private final Long address;
    private final boolean fromStart;
    private final long stallNanos;
    private final TailLines lines;
    private final Consumer<String> warnings;
    private final Map<Integer, Map<Integer, Tracked>> trackedByList = new HashMap<>();
    private final Set<Integer> corruptListsReported = new HashSet<>();
    private boolean listMissingReported;
    private boolean started;
    private long batches;

    /**
     * @param listName   only this list, or null.
     * @param address    only incarnations of this address, or null.
     * @param fromStart  whether the first poll prints every event kept (else it only notes where each
     *                   object stands, and later polls print what comes after).
     * @param stallNanos how long an uncommitted record of a live writer holds its object's later events back.
     * @param warnings   where one-sentence notes go (stderr).
     */
    public Tailer(final HistoryReader reader, final String listName, final Long address, final boolean fromStart,
        final long stallNanos, final TailLines lines, final Consumer<String> warnings)
    {
        this.reader = reader;
        this.listName = listName;
        this.address = address;
        this.fromStart = fromStart;
        this.stallNanos = stallNanos;
        this.lines = lines;
        this.warnings = warnings;
    }

    /** Reads what was committed since the previous poll and prints it to {@code out}; returns the lines printed. */
    public int poll(final PrintWriter out)
    {
        final long now = System.nanoTime();
        // Writers and threads that registered since the last poll are then found when their events are.
        reader.refresh();
        final List<Batch> batchesOfPoll = new ArrayList<>();
        // One batch at a time, handed on only once it has lines: most objects have nothing new.
        Batch batch = new Batch(batches++);
        boolean listFound = false;
        for (final ListInfo list : reader.lists())
        {
            if (listName != null && !list.name().equals(listName))
            {
                continue;
            }
            listFound = true;
            if (list.problem() != null)
            {
                if (corruptListsReported.add(list.index()))
                {
                    warnings.accept("list '" + list.name() + "' is corrupt and is not followed: " + list.problem());
                }
                continue;
            }
            final Map<Integer, Tracked> tracked = trackedByList.computeIfAbsent(list.index(), i -> new HashMap<>());
            for (final Incarnation incarnation : reader.incarnations(list))
            {
                Tracked t = tracked.get(incarnation.slot());
                if (t == null || t.pushNumber != incarnation.pushNumber())
                {
                    if (t != null)
                    {
                        leftWindow(t, batchesOfPoll);
                    }
                    t = track(incarnation);
                    tracked.put(incarnation.slot(), t);
                }
                drain(t, incarnation, now, batch);
                if (!batch.lines.isEmpty())
                {
                    batchesOfPoll.add(batch);
                    batch = new Batch(batches++);
                }
            }
        }
        if (listName != null && !listFound && !listMissingReported)
        {
            listMissingReported = true;
            warnings.accept("no list '" + listName + "' in " + reader.name() + " yet: waiting for it");
        }
        started = true;
        return print(batchesOfPoll, out);
    }

    /** Where a newly seen incarnation starts: where it stands when tail starts, else at its birth. */
    private Tracked track(final Incarnation incarnation)
    {
        final ListInfo list = incarnation.list();
        final int count = incarnation.eventCount();
        if (started)
        {
            // Pushed (or first seen) after tail started: every event it has is new.
            return new Tracked(incarnation, 0, 0);
        }
        if (fromStart)
        {
            final int ringStart =
                (int)Math.max(list.pinnedFirst(), (long)count - (list.eventsPerObject() - list.pinnedFirst()));
            return new Tracked(incarnation, 0, ringStart);
        }
        // Positions claimed before tail started are not printed, even those committed a moment later.
        return new Tracked(incarnation, count, 0);
    }

    private boolean selected(final Tracked t)
    {
        // An address is known only with a valid header: until then we cannot tell, so nothing is read.
        return address == null || (t.display.headerValid() && t.display.address() == address);
    }

    private void drain(final Tracked t, final Incarnation incarnation, final long now, final Batch batch)
    {
        if (incarnation.headerValid() || !t.display.headerValid())
        {
            t.display = incarnation;
        }
        if (!selected(t))
        {
            return;
        }
        final int count = incarnation.eventCount();
        t.lastCount = count;
        final ListInfo list = incarnation.list();
        final int pinned = list.pinnedFirst();
        final int ring = list.eventsPerObject() - pinned;
        while (t.next < count)
        {
            final int p = t.next;
            if (p >= pinned)
            {
                final int ringStart = (int)Math.max(pinned, (long)count - ring);
                if (p < ringStart)
                {
                    notSeen(t, p, ringStart, batch);
                    t.advanceTo(ringStart);
                    continue;
                }
            }
            final Optional<Event> read = reader.event(incarnation, p);
            if (read.isEmpty())
            {
                return; // lapped, or the slot was pushed again, since State was read: the next poll tells which
            }
            final Event event = read.get();
            switch (event.status())
            {
                case VALID:
                    final long refs = t.refcount.next(event);
                    final Incarnation display = t.display;
                    batch.add(event.wallNanos(), () -> lines.event(display, event, refs));
                    t.advanceTo(p + 1);
                    break;
                case IN_FLIGHT:
                case TORN:
                    if (!giveUp(t, event, now, batch))
                    {
                        return; // wait for it: the later events of this object stay behind it
                    }
                    break;
                default:
                    final boolean mismatch = event.status() == EventStatus.CHECKSUM_MISMATCH;
                    invalid(t, event, mismatch ? "[checksum mismatch: not a valid event]" :
                        "[corrupt record: a stamp no writer leaves]", mismatch ?
                        "checksum mismatch" : "corrupt", batch);
                    t.advanceTo(p + 1);
                    break;
            }
        }
    }

    /**
     * Whether to stop waiting for an uncommitted record: never at the poll that first finds it (its writer
     * may be between its claim and its commit), then if its writer is dead, or once it has stalled too long.
     */
    private boolean giveUp(final Tracked t, final Event event, final long now, final Batch batch)
    {
        if (t.pendingPosition != event.position())
        {
            t.pendingPosition = event.position();
            t.pendingSince = now;
            return false;
        }
        final String note;
        final String jsonNote;
        if (event.status() == EventStatus.IN_FLIGHT && event.pid() != 0 && !reader.isWriterAlive(event.pid()))
        {
            note = "[writer " + event.pid() + " died mid-record]";
            jsonNote = "writer died mid-record";
        }
        else if (now - t.pendingSince >= stallNanos)
        {
            note = "[still not committed " + (now - t.pendingSince) / 1_000_000 + " ms after tail found it claimed" +
                (event.pid() == 0 ? "" : " (pid field " + event.pid() + ")") + ": no longer waited for]";
            jsonNote = "stalled";
        }
        else
        {
            return false;
        }
        invalid(t, event, note, jsonNote, batch);
        t.advanceTo(event.position() + 1);
        return true;
    }

    private void invalid(final Tracked t, final Event event, final String note,
        final String jsonNote, final Batch batch)
    {
        final Incarnation display = t.display;
        batch.marker(() -> lines.invalid(display, event, note, jsonNote));
    }

    private void notSeen(final Tracked t, final int from, final int to, final Batch batch)
    {
        final Incarnation display = t.display;
        final int droppedBeforeStart = Math.min(to, t.droppedBeforeStartBelow);
        if (from < droppedBeforeStart)
        {
            batch.marker(() ->
                lines.notSeen(display, from, droppedBeforeStart - from, false, NotSeen.DROPPED_BEFORE_START));
        }
        final int overtakenFrom = Math.max(from, droppedBeforeStart);
        if (overtakenFrom < to)
        {
            batch.marker(() -> lines.notSeen(display, overtakenFrom, to - overtakenFrom, false, NotSeen.OVERTAKEN));
        }
    }

    /** The incarnation left the window: says so if it had claimed events tail had not printed. */
    private void leftWindow(final Tracked t, final List<Batch> batchesOfPoll)
    {
        if (selected(t) && t.lastCount > t.next)
        {
            final Batch batch = new Batch(batches++);
            final Incarnation display = t.display;
            final int from = t.next;
            final int count = t.lastCount - t.next;
            batch.marker(() -> lines.notSeen(display, from, count, true, NotSeen.LEFT_WINDOW));
            batchesOfPoll.add(batch);
        }
    }

    /** Merges the batches by time, each batch staying in position order, and prints them. */
    private static int print(final List<Batch> batchesOfPoll, final PrintWriter out)
    {
        final PriorityQueue<Batch> queue = new PriorityQueue<>(
            Comparator.comparingLong(Batch::headKey).thenComparingLong(b -> b.sequence));
        for (final Batch batch : batchesOfPoll)
        {
            batch.keyMarkers();
            queue.add(batch);
        }
        int printed = 0;
        while (!queue.isEmpty())
        {
            final Batch batch = queue.poll();
            // Formatted only now, in the order printed: text columns then widen in that order too.
            out.println(batch.lines.get(batch.head++).text.get());
            printed++;
            if (batch.head < batch.lines.size())
            {
                queue.add(batch);
            }
        }
        return printed;
    }

    /** Where tail stands with one incarnation. */
    private static final class Tracked
    {
        final long pushNumber;
        /** With --from-start: positions below this that the ring dropped were dropped before tail started. */
        final int droppedBeforeStartBelow;
        /** The latest read of it, with a valid header if one was ever read: what its lines show. */
        Incarnation display;
        /** The first position neither printed nor reported. */
        int next;
        /** The count its State held at the last poll. */
        int lastCount;
        /**
         * The running refcount, known only while every event from its birth on was printed: fed only the events
         * printed, it finds any position skipped (overtaken, not valid, given up on) by its position.
         */
        final RefcountReplay refcount;
        /** The uncommitted position waited for, and since when. */
        int pendingPosition = -1;
        long pendingSince;

        Tracked(final Incarnation incarnation, final int next, final int droppedBeforeStartBelow)
        {
            this.pushNumber = incarnation.pushNumber();
            this.display = incarnation;
            this.next = next;
            this.lastCount = next;
            this.droppedBeforeStartBelow = droppedBeforeStartBelow;
            this.refcount = RefcountReplay.startingAt(next);
        }

        void advanceTo(final int position)
        {
            next = position;
            pendingPosition = -1;
        }
    }

    /** The lines one poll prints for one incarnation, in position order, each with a time to merge by. */
    private static final class Batch
    {
        private static final long UNKEYED = Long.MIN_VALUE;

        final long sequence;
        final List<Line> lines = new ArrayList<>();
        int head;

        Batch(final long sequence)
        {
            this.sequence = sequence;
        }

        void add(final long wallNanos, final Supplier<String> text)
        {
            lines.add(new Line(wallNanos, false, text));
        }

        void marker(final Supplier<String> text)
        {
            lines.add(new Line(UNKEYED, true, text));
        }

        /** A marker takes the time of the event before it, or else of the one after it. */
        void keyMarkers()
        {
            long previous = UNKEYED;
            for (int i = 0; i < lines.size(); i++)
            {
                final Line line = lines.get(i);
                if (!line.marker)
                {
                    previous = line.key;
                    continue;
                }
                long key = previous;
                for (int j = i + 1; key == UNKEYED && j < lines.size(); j++)
                {
                    if (!lines.get(j).marker)
                    {
                        key = lines.get(j).key;
                    }
                }
                lines.set(i, new Line(key, true, line.text));
            }
        }

        long headKey()
        {
            return lines.get(head).key;
        }
    }

    private record Line(long key, boolean marker, Supplier<String> text)
    {
    }
}
