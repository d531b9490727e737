package org.structhist.format;

/**
 * Layout of one verb table entry: a verb's name and its effect on the refcount. Max Verbs entries of
 * {@link #ENTRY_LENGTH} bytes from Verb Table Offset. An event's Verb Id is entry index + 1 (0: none).
 * <p>
 * The entry is one long, {@code nameId << 8 | effect}, installed by a single CAS from 0, so it is
 * never seen half-written. A verb is the pair (name, effect): the same name declared with another
 * effect by another process gets an entry of its own.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Effect (8) |   Name string id (32)       |   zero (24)        |  0
 *  |                                                                |
 *  +---------------------------------------------------------------+
 * </pre>
 * Effect codes: 0 NONE, 1 REF, 2 UNREF, 3 DESTROY.
 */
public final class VerbTableDescriptor
{
    public static final int ENTRY_LENGTH = 8;
    /** Verb ids are 16 bits in an event record. */
    public static final int MAX_VERBS = 0xFFFF;

    public static long entry(final int nameId, final int effectCode)
    {
        return ((long)nameId << 8) | (effectCode & 0xFF);
    }

    public static int nameId(final long entry)
    {
        return (int)(entry >>> 8);
    }

    public static int effectCode(final long entry)
    {
        return (int)(entry & 0xFF);
    }

    private VerbTableDescriptor()
    {
    }
}
