package org.structhist.format;

/**
 * Layout of one event record: a {@link #HEADER_LENGTH}-byte header and a payload that fills the
 * list's Entry Size (a power of two, at least {@link #MIN_ENTRY_SIZE}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Commit Stamp (long): Generation (32) | Position (32)          |  0
 *  |  Timestamp, System.nanoTime of the writer (long)               |  8
 *  |  Pid                                                           | 16
 *  |  Thread Id (low 32 bits of the Java thread id)                 | 20
 *  |  Verb Id (u16)               |  Flags (u16)                    | 24
 *  |  Format (string id)                                            | 28
 *  |  Stack (string id, 0 none)                                     | 32
 *  |  Checksum                                                      | 36
 *  +---------------------------------------------------------------+
 *  |  Payload: Entry Size - 40 bytes, read as little-endian longs:  | 40
 *  |  up to 3 long arguments (the rest zero); with FLAG_COUNT up to  |
 *  |  2 arguments and the Count (i32 as a long) in word 2 (byte 56); |
 *  |  or with FLAG_TEXT UTF-8 text, NUL-terminated unless it fills   |
 *  |  the payload                                                    |
 *  +---------------------------------------------------------------+
 * </pre>
 * <b>Count</b> ({@link #FLAG_COUNT} set): the object's reference count after the operation the event
 * records, as the writer's own atomic operation produced it. It is a field of the event, not an argument
 * (the argument count in Flags does not include it, and formats never see it); it takes payload word
 * {@link #COUNT_PAYLOAD_WORD} so a 64-byte record still holds it, which leaves room for two arguments.
 * <b>Commit protocol</b> (a seqlock per record): the writer stores Commit Stamp = 0, a store-store
 * fence, the fields, then release-stores the stamp {@link #stamp(int, int)} of the slot generation
 * and event position it claimed. A reader accepts a record for position {@code p} of generation
 * {@code g} only if the stamp equals {@code stamp(g, p)} before and after it copies the fields and
 * the checksum matches. A record left with stamp 0 or a stamp for another position is in flight,
 * torn or overwritten: never an event.
 * <p>
 * <b>Checksum</b> ({@link #FLAG_CHECKSUM} set): a stray write, or a stale writer whose fields mixed
 * with the current one's, must not pass for an event. See {@link EventChecksum} for the function.
 */
public final class EventDescriptor
{
    public static final int HEADER_LENGTH = 40;
    public static final int MIN_ENTRY_SIZE = 64;
    public static final int MAX_ENTRY_SIZE = 1024;
    public static final int MAX_ARGS = 3;
    /** Arguments an event that carries a count can hold: the count takes the third payload word. */
    public static final int MAX_ARGS_WITH_COUNT = 2;
    /** The payload word (0-based, 8 bytes each) that holds the Count when {@link #FLAG_COUNT} is set. */
    public static final int COUNT_PAYLOAD_WORD = 2;

    public static final int STAMP_OFFSET = 0;
    public static final int TIMESTAMP_OFFSET = 8;
    public static final int PID_OFFSET = 16;
    public static final int THREAD_ID_OFFSET = 20;
    public static final int VERB_ID_OFFSET = 24;
    public static final int FLAGS_OFFSET = 26;
    public static final int FORMAT_ID_OFFSET = 28;
    public static final int STACK_ID_OFFSET = 32;
    public static final int CHECKSUM_OFFSET = 36;
    public static final int PAYLOAD_OFFSET = 40;

    /** Bits 0-1: how many long arguments the payload holds (0..3). */
    public static final int FLAG_ARG_COUNT_MASK = 0x3;
    /** The payload is UTF-8 text, not long arguments. */
    public static final int FLAG_TEXT = 1 << 2;
    /** The timestamp came from the coarse (cached) clock, not System.nanoTime(). */
    public static final int FLAG_COARSE_CLOCK = 1 << 3;
    /** The text did not fit the payload and was cut. */
    public static final int FLAG_TEXT_TRUNCATED = 1 << 4;
    /** The Checksum field is set and must match. */
    public static final int FLAG_CHECKSUM = 1 << 5;
    /** Payload word {@link #COUNT_PAYLOAD_WORD} holds the object's count after the operation. */
    public static final int FLAG_COUNT = 1 << 6;

    public static long stamp(final int generation, final int position)
    {
        return ((long)generation << 32) | (position & 0xFFFF_FFFFL);
    }

    public static int payloadLongs(final int entrySize)
    {
        return (entrySize - HEADER_LENGTH) >> 3;
    }

    private EventDescriptor()
    {
    }
}
