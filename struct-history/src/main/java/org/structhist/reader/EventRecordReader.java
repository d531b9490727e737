package org.structhist.reader;

import org.agrona.concurrent.AtomicBuffer;
import org.structhist.Effect;
import org.structhist.format.EventChecksum;
import org.structhist.format.EventDescriptor;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.format.StringTableDescriptor;
import org.structhist.format.VerbTableDescriptor;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static org.structhist.format.ObjectSlotDescriptor.*;

/**
 * Reads one event record the way FORMAT.md says a reader must: never presents a record as an event
 * unless its stamp was the expected one before and after the copy and its checksum matches, and tells
 * in-flight, torn, lapped and corrupt records apart.
 */
final class EventRecordReader
{
    private static final int TORN_RETRIES = 3;

    private final AtomicBuffer buffer;
    private final StringTableView strings;
    private final ProcessRegistryView registry;

    EventRecordReader(final AtomicBuffer buffer, final StringTableView strings, final ProcessRegistryView registry)
    {
        this.buffer = buffer;
        this.strings = strings;
        this.registry = registry;
    }

    /**
     * Reads the record that holds {@code position} of generation {@code generation}: the record's
     * seqlock (stamp before and after the copy, up to 3 tries), the list's checksum rule, the ring's
     * lap rule. Null when the position is not there to read any more (lapped, or a newer occupant).
     */
    Event read(final ListInfo list, final int slotOffset, final int generation, final int position)
    {
        final int record = slotOffset + ObjectSlotDescriptor.HEADER_LENGTH +
            recordIndex(position, list.pinnedFirst(), list.eventsPerObject()) * list.entrySize();
        final long expected = EventDescriptor.stamp(generation, position);
        final int payloadLongs = EventDescriptor.payloadLongs(list.entrySize());
        final long[] payload = new long[payloadLongs];
        for (int attempt = 0; attempt < TORN_RETRIES; attempt++)
        {
            final long stampBefore = buffer.getLongVolatile(record + EventDescriptor.STAMP_OFFSET);
            final long timestamp = buffer.getLong(record + EventDescriptor.TIMESTAMP_OFFSET);
            final int pid = buffer.getInt(record + EventDescriptor.PID_OFFSET);
            final int threadId = buffer.getInt(record + EventDescriptor.THREAD_ID_OFFSET);
            final int verbId = buffer.getShort(record + EventDescriptor.VERB_ID_OFFSET) & 0xFFFF;
            final int flags = buffer.getShort(record + EventDescriptor.FLAGS_OFFSET) & 0xFFFF;
            final int formatId = buffer.getInt(record + EventDescriptor.FORMAT_ID_OFFSET);
            final int stackId = buffer.getInt(record + EventDescriptor.STACK_ID_OFFSET);
            final int checksum = buffer.getInt(record + EventDescriptor.CHECKSUM_OFFSET);
            for (int i = 0; i < payloadLongs; i++)
            {
                payload[i] = buffer.getLong(record + EventDescriptor.PAYLOAD_OFFSET + (i << 3));
            }
            VarHandle.loadLoadFence();
            final long stampAfter = buffer.getLongVolatile(record + EventDescriptor.STAMP_OFFSET);

            if (stampBefore != expected)
            {
                if (generation(buffer.getLongVolatile(slotOffset + STATE_OFFSET)) != generation)
                {
                    return null; // the slot was taken by a newer incarnation while we read: not ours to show
                }
                if ((int)(stampBefore >>> 32) == generation && (stampBefore & 0xFFFF_FFFFL) > position)
                {
                    if (isLappedBy(list, slotOffset, generation, position, stampBefore & 0xFFFF_FFFFL))
                    {
                        return null; // the ring lapped this position while we read: dropped, not lost
                    }
                    if (generation(buffer.getLongVolatile(slotOffset + STATE_OFFSET)) != generation)
                    {
                        return null; // pushed again between the two looks at State: a newer occupant's record
                    }
                    return invalid(position, EventStatus.CORRUPT, timestamp, pid, threadId);
                }
                return invalid(position, EventStatus.IN_FLIGHT, timestamp, pid, threadId);
            }
            if (stampAfter != stampBefore)
            {
                continue;
            }
            // The list, not the record, says whether records carry checksums: a flag inside the
            // record could be the very bit a stray write flipped.
            if (list.checksums())
            {
                if ((flags & EventDescriptor.FLAG_CHECKSUM) == 0)
                {
                    return invalid(position, EventStatus.CHECKSUM_MISMATCH, timestamp, pid, threadId);
                }
                long h = EventChecksum.headerHash(expected, timestamp, pid, threadId, verbId, flags, formatId, stackId);
                for (final long v : payload)
                {
                    h = EventChecksum.mix(h, v);
                }
                if (EventChecksum.fold(h) != checksum)
                {
                    return invalid(position, EventStatus.CHECKSUM_MISMATCH, timestamp, pid, threadId);
                }
            }
            return decode(position, timestamp, pid, threadId, verbId, flags, formatId, stackId, payload);
        }
        return invalid(position, EventStatus.TORN, 0, 0, 0);
    }

    /**
     * Whether a record expected to hold {@code position} can legitimately hold {@code stampedPosition}
     * instead: both share a ring record and the object has claimed that many events by now.
     */
    private boolean isLappedBy(
        final ListInfo list, final int slotOffset, final int generation, final int position, final long stampedPosition)
    {
        final int ring = list.eventsPerObject() - list.pinnedFirst();
        final long state = buffer.getLongVolatile(slotOffset + STATE_OFFSET);
        return position >= list.pinnedFirst() && (stampedPosition - position) % ring == 0 &&
            generation(state) == generation && stampedPosition < count(state);
    }

    private Event invalid(final int position, final EventStatus status, final long timestamp, final int pid,
        final int threadId)
    {
        return new Event(position, status, timestamp, 0, pid, threadId, "", "", Effect.NONE, "", new long[0],
            null, false, false, null, Event.NO_COUNT);
    }

    private Event decode(
        final int position,
        final long timestamp,
        final int pid,
        final int threadId,
        final int verbId,
        final int flags,
        final int formatId,
        final int stackId,
        final long[] payload)
    {
        final long verb = strings.verbEntry(verbId);
        final String verbName = verb == 0 ? (verbId == 0 ? "" : "verb#" + verbId) :
            strings.string(VerbTableDescriptor.nameId(verb));
        final Effect effect = Effect.ofCode(VerbTableDescriptor.effectCode(verb));
        final boolean isText = (flags & EventDescriptor.FLAG_TEXT) != 0;
        // A count takes payload word 2: a record flagged with both a count and 3 arguments is corrupt,
        // and shows its first two arguments and the count.
        final boolean hasCount = !isText && (flags & EventDescriptor.FLAG_COUNT) != 0 &&
            payload.length > EventDescriptor.COUNT_PAYLOAD_WORD;
        final int argCount = isText ? 0 : Math.min(flags & EventDescriptor.FLAG_ARG_COUNT_MASK,
            hasCount ? EventDescriptor.MAX_ARGS_WITH_COUNT : payload.length);
        final int count = hasCount ? (int)payload[EventDescriptor.COUNT_PAYLOAD_WORD] : Event.NO_COUNT;
        final long[] args = new long[argCount];
        System.arraycopy(payload, 0, args, 0, argCount);
        return new Event(position, EventStatus.VALID, timestamp, registry.wallNanos(pid, timestamp), pid, threadId,
            registry.threadName(pid, threadId), verbName, effect, strings.string(formatId), args,
            isText ? unpackText(payload) : null, (flags & EventDescriptor.FLAG_TEXT_TRUNCATED) != 0,
            (flags & EventDescriptor.FLAG_COARSE_CLOCK) != 0,
            stackId == StringTableDescriptor.NO_STRING ? null : strings.string(stackId), count);
    }

    private static String unpackText(final long[] payload)
    {
        final byte[] bytes = new byte[payload.length << 3];
        int length = 0;
        for (int i = 0; i < bytes.length; i++)
        {
            final byte b = (byte)(payload[i >> 3] >>> ((i & 7) << 3));
            if (b == 0)
            {
                break;
            }
            bytes[length++] = b;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
