package org.structhist.stress;

import org.structhist.HistoryFormatException;
import org.structhist.format.HandleDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link KillTorture}'s judge: after each kill, reads the file with {@link HistoryReader} and checks the
 * invariants its class comment lists (no cross-incarnation events, gap-free sequences up to one record in
 * flight, killed writers dead in the registry), counting what it finds. It learns which pid wrote as which
 * tag from {@link #writerStarted} and which writers are dead from {@link #writerKilled}.
 */
final class TortureVerifier
{
    private static final int MAX_REPORTED = 20;

    private final Path file;
    private final int writers;
    private final int threads;
    /** Pid of each (writer slot, restart) process. */
    private final Map<Long, Long> pidOfTag = new HashMap<>();
    private final Set<Long> allPids = new HashSet<>();
    private final List<Long> killedPids = new ArrayList<>();
    private final Set<String> inFlightSeen = new HashSet<>();
    /** Per (list, push number): valid positions verified, the most seen; their sum is the events count. */
    private final Map<Long, Integer> verified = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long invalid;
    private long lost;
    private long inFlight;
    private long inFlightPidStale;
    private long clobbered;
    private long sharedValid;
    private long sharedHeadersMixed;
    private long rounds;

    TortureVerifier(final Path file, final int writers, final int threads)
    {
        this.file = file;
        this.writers = writers;
        this.threads = threads;
    }

    /** Writer {@code slot}'s {@code restart}-th life runs as {@code pid}: its threads' tags are its. */
    void writerStarted(final int slot, final int restart, final long pid)
    {
        for (int t = 0; t < threads; t++)
        {
            pidOfTag.put(TortureWriter.tag(slot, restart, t), pid);
        }
        allPids.add(pid);
    }

    /** {@code pid} was killed with SIGKILL: it must show dead, and only it may leave a record in flight. */
    void writerKilled(final long pid)
    {
        killedPids.add(pid);
    }

    /** Whether as many violations as a report shows were found: the run stops there. */
    boolean reportIsFull()
    {
        return violations.size() >= MAX_REPORTED;
    }

    /** Valid events verified: per object, the most valid positions any round saw. */
    long events()
    {
        long events = 0;
        for (final int count : verified.values())
        {
            events += count;
        }
        return events;
    }

    long invalid()
    {
        return invalid;
    }

    long lost()
    {
        return lost;
    }

    long rounds()
    {
        return rounds;
    }

    long sharedValid()
    {
        return sharedValid;
    }

    long inFlight()
    {
        return inFlight;
    }

    long inFlightPidStale()
    {
        return inFlightPidStale;
    }

    long clobbered()
    {
        return clobbered;
    }

    /** Shared pushes whose header was invalid (fields of two racing pushes) and whose events were checked. */
    long sharedHeadersMixed()
    {
        return sharedHeadersMixed;
    }

    /** The first violations found, each with its round. */
    List<String> violations()
    {
        return List.copyOf(violations);
    }

    /**
     * Reads the file as it is now and checks every list and the registry; {@code stoppedPids} are the
     * writers held by SIGSTOP (each may have one record in flight), the others are dead.
     */
    void verify(final Set<Long> stoppedPids)
    {
        rounds++;
        if (!Files.exists(file))
        {
            return; // every writer so far died before creating it
        }
        final HistoryReader reader;
        try
        {
            reader = HistoryReader.open(file);
        }
        catch (final HistoryFormatException ex)
        {
            if (String.valueOf(ex.getMessage()).contains("still being initialised"))
            {
                return;
            }
            violation(true, "the file cannot be read after a kill: " + ex.getMessage());
            return;
        }
        for (int w = 0; w < writers; w++)
        {
            for (int t = 0; t < threads; t++)
            {
                final Optional<ListInfo> list = reader.list(TortureWriter.ownList(w, t));
                if (list.isPresent())
                {
                    verifyOwnList(reader, list.get(), w, t, stoppedPids);
                }
            }
        }
        reader.list(TortureWriter.SHARED_LIST).ifPresent(list -> verifyShared(reader, list));
        verifyRegistry(reader);
    }

    private void verifyOwnList(
        final HistoryReader reader, final ListInfo list, final int w, final int t, final Set<Long> stoppedPids)
    {
        if (list.problem() != null)
        {
            violation(true, list.name() + " is corrupt: " + list.problem());
            return;
        }
        final List<Incarnation> incarnations = reader.incarnations(list);
        // The latest object of each (writer, restart, thread): the only one whose last event may be in flight.
        final Map<Long, Long> latestCounter = new HashMap<>();
        for (final Incarnation inc : incarnations)
        {
            if (inc.headerValid())
            {
                latestCounter.merge(inc.address() >>> 32, inc.address() & 0xFFFF_FFFFL, Math::max);
            }
        }
        final Map<Long, long[]> baseOfObject = new HashMap<>();
        for (final Incarnation inc : incarnations)
        {
            final String what = list.name() + " push " + inc.pushNumber();
            if (!inc.headerValid())
            {
                // Killed or stopped inside push, before its header was published: it cannot have events yet.
                violation(inc.eventCount() != 0, what + " has no valid header but " + inc.eventCount() + " events");
                continue;
            }
            final long tag = inc.address() >>> 32;
            final long counter = inc.address() & 0xFFFF_FFFFL;
            final Long pid = pidOfTag.get(tag);
            if (TortureWriter.writerOf(tag) != w || TortureWriter.threadOf(tag) != t || pid == null ||
                inc.creatorPid() != pid)
            {
                violation(true, what + " address " + Long.toHexString(inc.address()) + " pushed by pid " +
                    inc.creatorPid() + " is not an object of writer " + w + " thread " + t);
                continue;
            }
            final int planned = TortureWriter.objectEvents(counter);
            final int count = inc.eventCount();
            final boolean current = latestCounter.get(tag) == counter;
            if (count > planned)
            {
                violation(true, what + " claims " + count + " positions, its thread logged " + planned);
            }
            long base = -1;
            int valid = 0;
            int expectedPosition = 0;
            for (final Event event : reader.events(inc))
            {
                if (event.position() != expectedPosition++)
                {
                    countLost(what + " position " + (expectedPosition - 1) + " missing (reader gave " +
                        event.position() + ")");
                    expectedPosition = event.position() + 1;
                }
                if (event.status() == EventStatus.VALID)
                {
                    final long[] args = event.args();
                    if (args.length != 3 || args[0] != tag || args[2] != inc.address() || event.pid() != pid ||
                        !TortureWriter.OWN_FORMAT.equals(event.format()))
                    {
                        countInvalid(what + " position " + event.position() + " is not its writer's event: pid " +
                            event.pid() + " " + event.format() + " " + Arrays.toString(args));
                        continue;
                    }
                    final long b = args[1] - event.position();
                    if (base < 0)
                    {
                        base = b;
                    }
                    else if (b != base)
                    {
                        countLost(what + " seq " + args[1] + " at position " + event.position() + ": gap or repeat " +
                            "(base " + base + ")");
                    }
                    valid++;
                }
                else if (event.status() == EventStatus.IN_FLIGHT && current && event.position() == count - 1)
                {
                    final boolean killed = killedPids.contains(pid);
                    if (!killed && !stoppedPids.contains(pid))
                    {
                        countLost(what + " last event in flight, but its writer " + pid + " runs");
                    }
                    if (inFlightSeen.add(list.index() + ":" + inc.pushNumber() + ":" + event.position()))
                    {
                        inFlight++;
                        if (event.pid() != pid)
                        {
                            // The pid field of an unfinished record is what it held before: 0 or another writer's.
                            inFlightPidStale++;
                            violation(event.pid() != 0 && !allPids.contains((long)event.pid()), what +
                                " in-flight record's pid " + event.pid() + " was never a writer of this file");
                        }
                    }
                }
                else
                {
                    countLost(what + " position " + event.position() + " of " + count + " is " + event.status() +
                        (current ? " (its thread's current object)" : " (a finished object)"));
                }
            }
            if (expectedPosition != count)
            {
                countLost(what + " shows " + expectedPosition + " of " + count + " claimed positions");
            }
            if (!current && count != planned)
            {
                countLost(what + " is finished (its thread moved on) with " + count + " of " + planned + " events");
            }
            if (counter == 0 && base > 0)
            {
                countLost(what + " is its thread's first object but starts at seq " + base);
            }
            if (base >= 0)
            {
                baseOfObject.put(inc.address(), new long[] {base, planned});
            }
            verified.merge(HandleDescriptor.handle(list.index(), inc.pushNumber()), valid, Math::max);
        }
        // Consecutive objects of one thread: the next starts its seq where the previous one's planned events end.
        for (final Map.Entry<Long, long[]> e : baseOfObject.entrySet())
        {
            final long[] previous = baseOfObject.get(e.getKey() - 1);
            if ((e.getKey() & 0xFFFF_FFFFL) != 0 && previous != null && previous[0] + previous[1] != e.getValue()[0])
            {
                countLost(list.name() + " object " + Long.toHexString(e.getKey()) + " starts at seq " +
                    e.getValue()[0] +
                    ", its predecessor ended at " + (previous[0] + previous[1]));
            }
        }
    }

    private void verifyShared(final HistoryReader reader, final ListInfo list)
    {
        if (list.problem() != null)
        {
            violation(true, "the shared list is corrupt: " + list.problem());
            return;
        }
        for (final Incarnation inc : reader.incarnations(list))
        {
            final String what = "shared push " + inc.pushNumber();
            int valid = 0;
            // A header two racing pushes mixed (FORMAT.md, Known limitations) names no address to check
            // against: the incarnation's events must then agree among themselves, on the first one's.
            long address = inc.address();
            boolean addressKnown = inc.headerValid();
            for (final Event event : reader.events(inc))
            {
                switch (event.status())
                {
                    case VALID:
                    {
                        final long[] args = event.args();
                        final Long pid = args.length == 3 ? pidOfTag.get(args[0]) : null;
                        if (args.length == 3 && !addressKnown)
                        {
                            address = args[2];
                            addressKnown = true;
                            sharedHeadersMixed++;
                        }
                        if (args.length != 3 || args[2] != address || pid == null ||
                            pid != event.pid() || !TortureWriter.SHARED_FORMAT.equals(event.format()))
                        {
                            countInvalid(what + " (address " + Long.toHexString(inc.address()) + ", header " +
                                (inc.headerValid() ? "valid" : "invalid") + ") position " + event.position() +
                                " shows an event of another incarnation or writer: pid " + event.pid() + " " +
                                event.format() + " " + Arrays.toString(args));
                        }
                        else
                        {
                            valid++;
                            sharedValid++;
                        }
                        break;
                    }
                    case IN_FLIGHT:
                    case TORN:
                    case CHECKSUM_MISMATCH:
                        if (inFlightSeen.add("shared:" + inc.pushNumber() + ":" + event.position() + ":" +
                            event.status()))
                        {
                            clobbered++;
                        }
                        break;
                    default:
                        countInvalid(what + " position " + event.position() + " is " + event.status());
                }
            }
            verified.merge(HandleDescriptor.handle(list.index(), inc.pushNumber()), valid, Math::max);
        }
    }

    private void verifyRegistry(final HistoryReader reader)
    {
        final Map<Long, WriterInfo> registry = new HashMap<>();
        for (final WriterInfo info : reader.writers())
        {
            registry.put(info.pid(), info);
        }
        final boolean roomForAll = allPids.size() <= reader.layout().maxWriters;
        for (final long pid : killedPids)
        {
            final WriterInfo info = registry.get(pid);
            if (info == null)
            {
                // A writer killed before it registered is not there; neither, in a full registry, a dead one
                // taken over.
                continue;
            }
            violation(info.alive(), "killed writer " + pid + " is shown alive");
            violation(info.detached() && roomForAll, "killed writer " + pid + " is shown detached (closed cleanly)");
        }
    }

    private void countInvalid(final String message)
    {
        invalid++;
        report(message);
    }

    private void countLost(final String message)
    {
        lost++;
        report(message);
    }

    private void violation(final boolean happened, final String message)
    {
        if (happened)
        {
            invalid++;
            report(message);
        }
    }

    private void report(final String message)
    {
        if (violations.size() < MAX_REPORTED)
        {
            violations.add("round " + rounds + ": " + message);
        }
    }
}
