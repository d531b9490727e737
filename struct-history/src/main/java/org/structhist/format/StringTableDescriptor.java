package org.structhist.format;

/**
 * Layout of the string table: format strings, verb names, thread names, list names and stack traces
 * are stored once in the file and referred to by id, so the file alone is enough to read it.
 * <p>
 * Two regions. The <b>data</b> region (header: String Data Offset, String Data Length) holds entries
 * appended at String Data Cursor (advanced by a CAS that never passes the region's end), each 8-byte
 * aligned:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Length (bytes of UTF-8)                                       |  0
 *  |  Hash: h = 31 * h + (byte &amp; 0xFF) over the UTF-8 bytes, from 0  |  4
 *  |  UTF-8 bytes ...                                   padding to 8 |  8
 *  +---------------------------------------------------------------+
 * </pre>
 * A string's <b>id</b> is the offset of its entry from the start of the data region. The first
 * {@link #FIRST_ENTRY_OFFSET} bytes are never used, so 0 means "no string".
 * <p>
 * The <b>index</b> (String Index Offset, String Index Capacity slots of 4 bytes, a power of two) is
 * an open-addressing hash set of ids, linear probing from {@code hash &amp; (capacity - 1)}. To intern,
 * a writer probes; on an empty slot it appends its entry to the data region first, then CASes the
 * slot from 0 to its id: the entry is complete before any reader can reach it. If the CAS loses to an
 * equal string the winner's id is used (the loser's appended bytes are wasted, which is bounded by
 * the racing writers) and probing goes on past a different one. A writer probes at most
 * {@link #MAX_PROBES} slots from the string's home slot: a string that finds neither itself nor an
 * empty slot within them is not interned (Strings Not Interned counts it), so one call costs the same
 * however full the index is. Every writer stops at the same bound, so a string interned by one is found
 * by the others; a string interned twice (two writers that disagree on the bound) is harmless, as ids
 * are only ever read, never compared.
 */
public final class StringTableDescriptor
{
    public static final int ENTRY_HEADER_LENGTH = 8;
    public static final int LENGTH_OFFSET = 0;
    public static final int HASH_OFFSET = 4;
    public static final int BYTES_OFFSET = 8;
    public static final int FIRST_ENTRY_OFFSET = 8;
    public static final int INDEX_SLOT_LENGTH = 4;
    public static final int ALIGNMENT = 8;
    /** Longer strings (a deep stack) are cut to this many bytes of UTF-8. */
    public static final int MAX_STRING_BYTES = 16 * 1024;

    public static final int NO_STRING = 0;

    /** Index slots a writer probes at most, from the string's home slot. */
    public static final int MAX_PROBES = 64;

    public static int entryLength(final int utf8Length)
    {
        return (ENTRY_HEADER_LENGTH + utf8Length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    private StringTableDescriptor()
    {
    }
}
