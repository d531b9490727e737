package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;
import org.structhist.testsupport.ChildJvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.structhist.process.KillChild.*;

/**
 * Invariant 1 (crash consistency) under {@code kill -9}: round after round, a fresh writer process
 * attaches to the same file, logs from {@link KillChild#THREADS} threads at full speed and is killed with
 * SIGKILL at a random instant. After every kill the file is read and must hold no half-written event
 * passed off as valid (no checksum mismatch at all), no lost or reordered event of any writer thread
 * within what the lists keep, and at most one event in flight per killed thread, only where that
 * thread was writing when it died. The writer registry must show every killed process as dead.
 * <p>
 * The random seed is printed; rerun a failure with {@code -Dstructhist.test.seed=SEED}.
 */
class KillNineTortureTest
{
    /** CI must kill at least this many writers; {@code -Dstructhist.test.kills} may ask for more. */
    static final int MIN_KILLS = 20;
    static final int KILLS = Math.max(MIN_KILLS, Integer.getInteger("structhist.test.kills", MIN_KILLS));
    static final int MIN_RUN_MILLIS = 20;
    static final int MAX_RUN_MILLIS = 200;
    static final long SHARED_ADDRESS_BASE = 0x5eed_0000L;

    @TempDir
    Path dir;

    /** What the checks carry from one round to the next. */
    private final Map<Long, Integer> roundOfPid = new HashMap<>();
    private final Set<String> inFlightSeen = new HashSet<>();
    private final int[] sharedCountBefore = new int[SHARED_OBJECTS];
    private long[] sharedHandles;
    private int ownEventsChecked;
    private int sharedEventsChecked;
    private int inFlightFound;
    private int ownWraps;

    @Test
    @Timeout(180)
    void killedWritersLeaveOnlyCompleteEvents() throws InterruptedException
    {
        final long seed = Long.getLong("structhist.test.seed", System.nanoTime());
        System.out.println("KillNineTortureTest: " + KILLS + " kills, seed " + seed);
        final Random random = new Random(seed);
        final Path path = dir.resolve("torture.hist");
        // One file for every round: each new writer attaches to what the dead ones left.
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(16L << 20));
        try
        {
            final HistoryList shared = file.list(SHARED_LIST, SHARED_OPTIONS);
            sharedHandles = new long[SHARED_OBJECTS];
            for (int k = 0; k < SHARED_OBJECTS; k++)
            {
                sharedHandles[k] = shared.pushHandle(SHARED_ADDRESS_BASE + k);
            }
            final long started = System.nanoTime();
            for (int round = 1; round <= KILLS; round++)
            {
                final long pid;
                try (ChildJvm child = ChildJvm.of(KillChild.class).name("writer-round-" + round)
                    .args(path, round, Long.toHexString(sharedHandles[0]), Long.toHexString(sharedHandles[1]))
                    .start())
                {
                    child.awaitLine("READY", ChildJvm.STARTUP_TIMEOUT);
                    // Not a synchronisation: READY was the handshake. This picks the random instant of the kill.
                    Thread.sleep(MIN_RUN_MILLIS + random.nextInt(MAX_RUN_MILLIS - MIN_RUN_MILLIS + 1));
                    child.killHard();
                    pid = child.pid();
                }
                // Pids are not reused this fast; if one were, the checks below would mix up two writers.
                assertNull(roundOfPid.put(pid, round), "pid " + pid + " was reused by round " + round);
                try
                {
                    verifyAfterKill(path, pid);
                }
                catch (final AssertionError ex)
                {
                    throw new AssertionError("round " + round + " (seed " + seed + "): " + ex.getMessage(), ex);
                }
            }
            System.out.printf("KillNineTortureTest: %d kills in %d ms; checked %d own-object and %d shared-object " +
                "events, %d in flight at a kill, %d own objects whose ring wrapped, shared objects' counts %s%n",
                KILLS, (System.nanoTime() - started) / 1_000_000, ownEventsChecked, sharedEventsChecked, inFlightFound,
                ownWraps, Arrays.toString(sharedCountBefore));
        }
        finally
        {
            file.close();
        }
    }

    private void verifyAfterKill(final Path path, final long pid)
    {
        final HistoryReader reader = HistoryReader.open(path);
        verifyRegistry(reader);
        int newInFlight = 0;
        boolean childPushed = false;
        for (int t = 0; t < THREADS; t++)
        {
            final String name = OWN_LIST_PREFIX + t;
            final ListInfo list = reader.list(name)
                .orElseThrow(() -> new AssertionError("list '" + name + "' missing"));
            assertNull(list.problem(), name);
            assertEquals(0, list.staleEventsDropped(), "stale events in " + name + ": its one writer never goes stale");
            assertEquals(0, list.eventsRefused(), "events refused in " + name);
            final List<Incarnation> incarnations = reader.incarnations(list);
            for (int i = 0; i < incarnations.size(); i++)
            {
                final Incarnation incarnation = incarnations.get(i);
                childPushed |= incarnation.headerValid() && incarnation.creatorPid() == pid;
                newInFlight += verifyOwnObject(reader, t, incarnations, i, pid);
            }
            verifyOwnContinuity(reader, incarnations);
        }
        assertTrue(childPushed, "the killed process " + pid + " pushed objects before READY: none is in the window");

        final ListInfo list = reader.list(SHARED_LIST).orElseThrow(() -> new AssertionError("shared list missing"));
        assertEquals(SHARED_OBJECTS, list.totalPushed(), "only the test JVM pushes to the shared list");
        assertEquals(0, list.staleEventsDropped(), "shared handles are never stale");
        for (int k = 0; k < SHARED_OBJECTS; k++)
        {
            final int object = k;
            final Incarnation incarnation = reader.incarnation(sharedHandles[k])
                .orElseThrow(() -> new AssertionError("shared object " + object + " left the window"));
            assertTrue(incarnation.headerValid(), "shared object header " + k);
            assertEquals(ProcessHandle.current().pid(), incarnation.creatorPid(), "shared object creator");
            assertEquals(SHARED_ADDRESS_BASE + k, incarnation.address(), "shared object address");
            assertTrue(incarnation.eventCount() > sharedCountBefore[k], "the killed process logged to shared object " +
                k + " before READY, yet its count stayed at " + sharedCountBefore[k]);
            assertTrue(incarnation.eventCount() - sharedCountBefore[k] <= THREADS * SHARED_CAP, "one process claimed " +
                (incarnation.eventCount() - sharedCountBefore[k]) + " positions on shared object " + k +
                ", more than its threads' caps allow: the ring could be lapped while a writer was in flight");
            newInFlight += verifySharedObject(reader, k, incarnation);
            sharedCountBefore[k] = incarnation.eventCount();
        }
        // A thread has at most one event claimed and not committed: a kill leaves at most one per thread.
        assertTrue(newInFlight <= THREADS,
            newInFlight + " events left in flight by one kill of " + THREADS + " threads");
        inFlightFound += newInFlight;
    }

    /** Every killed process is in the registry, neither alive nor cleanly detached. */
    private void verifyRegistry(final HistoryReader reader)
    {
        final Map<Long, WriterInfo> registry = new HashMap<>();
        for (final WriterInfo writer : reader.writers())
        {
            registry.put(writer.pid(), writer);
        }
        // A new writer takes a dead one's entry only when no entry is free: with room for all, all stay.
        final boolean roomForAll = roundOfPid.size() + 1 <= reader.layout().maxWriters;
        for (final long killed : roundOfPid.keySet())
        {
            final WriterInfo writer = registry.get(killed);
            if (writer == null && !roomForAll)
            {
                continue;
            }
            assertNotNull(writer, "writer registry lists killed pid " + killed + ": " + registry.values());
            assertFalse(writer.alive(), "killed pid " + killed + " shown alive: " + writer);
            assertFalse(writer.detached(), "killed pid " + killed + " never closed the file: " + writer);
        }
        final WriterInfo self = registry.get(ProcessHandle.current().pid());
        assertNotNull(self, "the test JVM is a writer of the file too");
        assertTrue(self.alive(), "the test JVM is alive: " + self);
    }

    /**
     * An own object has one writer thread: its kept events are exactly the kept positions, event
     * {@code i} at position {@code i}, all valid but possibly the very last position, left in flight
     * by the kill. Returns 1 if that in-flight event was not seen in an earlier round.
     */
    private int verifyOwnObject(
        final HistoryReader reader, final int thread, final List<Incarnation> incarnations, final int index,
        final long killedPid)
    {
        final Incarnation incarnation = incarnations.get(index);
        final String what = incarnation.list().name() + " push " + incarnation.pushNumber();
        final List<Event> events = reader.events(incarnation);
        if (!incarnation.headerValid())
        {
            // A writer killed inside push, between taking the slot and publishing its header: it logged nothing.
            assertEquals(0, incarnation.eventCount(), what + " has no valid header but claims events");
            assertTrue(events.isEmpty(), what + " has no valid header but shows events " + events);
            return 0;
        }
        final long creator = incarnation.creatorPid();
        final Integer round = roundOfPid.get(creator);
        assertNotNull(round, what + " was pushed by pid " + creator + ", which is no writer of this test");
        assertTrue(incarnation.address() >>> 32 == tag(round, thread), what + " address " +
            Long.toHexString(incarnation.address()) + " is not of round " + round + " thread " + thread);
        final int count = incarnation.eventCount();
        assertTrue(count <= MAX_OBJECT_EVENTS, what + " claims " + count + " events");
        assertEquals(keptPositions(count, incarnation.list()), positions(events), what + " kept positions");
        if (count > incarnation.list().eventsPerObject())
        {
            ownWraps++;
        }
        int newInFlight = 0;
        for (final Event event : events)
        {
            // Built only when a check fails: there are thousands of events per round.
            final Supplier<String> where = () -> what + " position " + event.position() + " of " + count + ": " +
                EventText.of(event);
            switch (event.status())
            {
                case VALID:
                    assertEquals(creator, event.pid(), () -> "one process logs to an own object, " + where.get());
                    assertEquals(incarnation.creatorThreadId(), event.threadId(),
                        () -> "one thread logs to it, " + where.get());
                    assertEquals(ChildVerb.WRITE.name(), event.verb(), where);
                    assertEquals(OWN_FORMAT, event.format(), where);
                    assertEquals(3, event.args().length, where);
                    assertEquals(tag(round, thread), event.args()[0], () -> "tag, " + where.get());
                    assertEquals(event.position(), event.args()[2], () -> "event i sits at position i, " + where.get());
                    ownEventsChecked++;
                    break;
                case IN_FLIGHT:
                    assertEquals(count - 1, event.position(),
                        () -> "only the last claimed position may be in flight, " + where.get());
                    for (int later = index + 1; later < incarnations.size(); later++)
                    {
                        final Incarnation next = incarnations.get(later);
                        assertFalse(next.headerValid() && next.creatorPid() == creator,
                            () -> "the thread moved on to push " + next.pushNumber() +
                                ", so it was not writing here when killed, " + where.get());
                    }
                    if (inFlightSeen.add(what + " position " + event.position()))
                    {
                        assertEquals(killedPid, creator,
                            () -> "a new in-flight event is the last kill's, " + where.get());
                        newInFlight++;
                    }
                    break;
                default:
                    fail("a killed writer left a record that is " + event.status() + ", " + where.get());
            }
        }
        // The thread's seq counts its own-object events: within an object it runs in step with the position.
        final long base = seqBase(events);
        for (final Event event : events)
        {
            if (event.status() == EventStatus.VALID)
            {
                assertEquals(base + event.position(), event.args()[1],
                    () -> "seq without gap or repeat, " + what + ": " + EventText.of(event));
            }
        }
        return newInFlight;
    }

    /**
     * One thread pushes its objects one after another and logs exactly its chosen number of events to
     * each: a thread's next object starts its seq where the previous one ended. Catches an event lost
     * or claimed twice across objects, which the per-object checks cannot see.
     */
    private static void verifyOwnContinuity(final HistoryReader reader, final List<Incarnation> incarnations)
    {
        for (int i = 1; i < incarnations.size(); i++)
        {
            final Incarnation before = incarnations.get(i - 1);
            final Incarnation after = incarnations.get(i);
            if (!before.headerValid() || !after.headerValid() || before.creatorPid() != after.creatorPid() ||
                before.pushNumber() + 1 != after.pushNumber())
            {
                continue;
            }
            final List<Event> eventsBefore = reader.events(before);
            final List<Event> eventsAfter = reader.events(after);
            if (hasValid(eventsBefore) && hasValid(eventsAfter))
            {
                assertEquals(seqBase(eventsBefore) + before.eventCount(), seqBase(eventsAfter),
                    "seq of push " + after.pushNumber() + " continues push " + before.pushNumber() + " in " +
                    after.list().name());
                assertEquals(objectEvents(addressPushIndex(before)), before.eventCount(),
                    "a finished object has all its events: push " + before.pushNumber() + " in " +
                    before.list().name());
            }
        }
    }

    /**
     * The shared objects are written by both threads of every round's process. Per writer thread,
     * its seq on that object runs without gap within each kept range: from 0 in the pinned first
     * events, by one in the ring. An event in flight is a killed thread's last: new ones must lie
     * beyond what the file held before this round.
     */
    private int verifySharedObject(final HistoryReader reader, final int k, final Incarnation incarnation)
    {
        final int count = incarnation.eventCount();
        final ListInfo list = incarnation.list();
        final List<Event> events = reader.events(incarnation);
        assertEquals(keptPositions(count, list), positions(events), "shared object " + k + " kept positions");
        // Next seq expected of each writer thread (pid and thread id), in the pinned part and in the ring.
        final Map<Long, Long> nextInPinned = new HashMap<>();
        final Map<Long, Long> nextInRing = new HashMap<>();
        int newInFlight = 0;
        for (final Event event : events)
        {
            final Supplier<String> where = () -> "shared object " + k + " position " + event.position() + " of " +
                count + ": " + EventText.of(event);
            switch (event.status())
            {
                case VALID:
                {
                    final Integer round = roundOfPid.get((long)event.pid());
                    assertNotNull(round, () -> "pid " + event.pid() + " is no writer of this test, " + where.get());
                    assertEquals(SHARED_FORMAT, event.format(), where);
                    assertEquals(2, event.args().length, where);
                    assertEquals(round.intValue(), roundOfTag(event.args()[0]), () -> "tag round, " + where.get());
                    final boolean pinned = event.position() < list.pinnedFirst();
                    final long writer = ((long)event.pid() << 32) | (event.threadId() & 0xFFFF_FFFFL);
                    final Map<Long, Long> next = pinned ? nextInPinned : nextInRing;
                    final Long expected = next.get(writer);
                    final long seq = event.args()[1];
                    // The pinned events are the object's first: a thread's first one there is its seq 0.
                    if (expected == null ? pinned && seq != 0 : seq != expected)
                    {
                        fail("writer pid " + event.pid() + " thread " + event.threadId() + " expected seq " +
                            (expected == null ? 0 : expected) + " but found " + seq + ", " + where.get());
                    }
                    next.put(writer, seq + 1);
                    sharedEventsChecked++;
                    break;
                }
                case IN_FLIGHT:
                    if (inFlightSeen.add("shared " + k + " position " + event.position()))
                    {
                        assertTrue(event.position() >= sharedCountBefore[k], () -> "a new in-flight event at " +
                            event.position() + " lies before the " + sharedCountBefore[k] +
                            " positions claimed in earlier rounds, " + where.get());
                        newInFlight++;
                    }
                    break;
                default:
                    fail("a killed writer left a record that is " + event.status() + ", " + where.get());
            }
        }
        return newInFlight;
    }

    /** The positions a list keeps of {@code count} claimed: the pinned first ones and the ring's newest. */
    static List<Integer> keptPositions(final int count, final ListInfo list)
    {
        final List<Integer> kept = new ArrayList<>();
        final int pinned = list.pinnedFirst();
        final int ring = list.eventsPerObject() - pinned;
        for (int p = 0; p < Math.min(count, pinned); p++)
        {
            kept.add(p);
        }
        for (int p = Math.max(pinned, count - ring); p < count; p++)
        {
            kept.add(p);
        }
        return kept;
    }

    private static List<Integer> positions(final List<Event> events)
    {
        final List<Integer> positions = new ArrayList<>();
        for (final Event event : events)
        {
            positions.add(event.position());
        }
        return positions;
    }

    private static boolean hasValid(final List<Event> events)
    {
        return events.stream().anyMatch(e -> e.status() == EventStatus.VALID);
    }

    /** seq minus position, the same for every valid event of an own object (checked by the caller). */
    private static long seqBase(final List<Event> events)
    {
        for (final Event event : events)
        {
            if (event.status() == EventStatus.VALID)
            {
                return event.args()[1] - event.position();
            }
        }
        return -1;
    }

    /** The thread's own push counter, which the child puts in the low half of the address. */
    private static long addressPushIndex(final Incarnation incarnation)
    {
        return incarnation.address() & 0xFFFF_FFFFL;
    }
}
