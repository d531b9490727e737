package org.structhist.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;

import java.nio.charset.StandardCharsets;

import static org.structhist.format.StringTableDescriptor.*;

/**
 * Interns strings into the file's string table (see {@code StringTableDescriptor}), shared by every
 * process that maps the file: equal strings get one id whoever interns them first, with no lock.
 * This is the cold path; {@link LocalIdCache} keeps {@code log} from coming here more than once per
 * distinct string it still holds.
 * <p>
 * A call costs at most {@code MAX_PROBES} index slots whatever the table holds: a string not found or
 * placed within them is not interned (counted), and its caller stores its text in the record instead.
 */
public final class StringInterner
{
    private final UnsafeBuffer buffer;
    private final int indexOffset;
    private final int indexMask;
    private final int dataOffset;
    private final int dataLength;

    public StringInterner(final UnsafeBuffer buffer, final FileLayout layout)
    {
        this.buffer = buffer;
        this.indexOffset = layout.stringIndexOffset;
        this.indexMask = layout.stringIndexCapacity - 1;
        this.dataOffset = layout.stringDataOffset;
        this.dataLength = layout.stringDataLength;
    }

    /**
     * The id of {@code value}, or {@link org.structhist.format.StringTableDescriptor#NO_STRING} if the table is full.
     */
    public int intern(final String value)
    {
        final byte[] utf8 = utf8(value);
        final int hash = hash(utf8);
        int appendedId = NO_STRING;
        final int probes = Math.min(MAX_PROBES, indexMask + 1);
        for (int probe = 0; probe < probes; probe++)
        {
            final int slotOffset = indexOffset + ((hash + probe) & indexMask) * INDEX_SLOT_LENGTH;
            int id = buffer.getIntVolatile(slotOffset);
            if (id == NO_STRING)
            {
                if (appendedId == NO_STRING)
                {
                    appendedId = append(utf8, hash);
                    if (appendedId == NO_STRING)
                    {
                        return notInterned();
                    }
                }
                if (buffer.compareAndSetInt(slotOffset, NO_STRING, appendedId))
                {
                    return appendedId;
                }
                id = buffer.getIntVolatile(slotOffset);
            }
            if (matches(id, hash, utf8))
            {
                return id;
            }
        }
        return notInterned();
    }

    /** The hash stored with each entry: 31-polynomial over the UTF-8 bytes, language neutral. */
    public static int hash(final byte[] utf8)
    {
        int h = 0;
        for (final byte b : utf8)
        {
            h = 31 * h + (b & 0xFF);
        }
        return h;
    }

    /** UTF-8 bytes of {@code value}, cut to {@code MAX_STRING_BYTES} on a character boundary. */
    public static byte[] utf8(final String value)
    {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STRING_BYTES)
        {
            int end = MAX_STRING_BYTES;
            while (end > 0 && (utf8[end] & 0xC0) == 0x80)
            {
                end--;
            }
            utf8 = java.util.Arrays.copyOf(utf8, end);
        }
        return utf8;
    }

    private int append(final byte[] utf8, final int hash)
    {
        final int length = entryLength(utf8.length);
        int relative;
        int attempts = 0;
        do
        {
            // A CAS bounded by the table's end, not getAndAdd: failed appends must not push the
            // cursor on until it wraps round and hands out offsets of strings already in use.
            relative = buffer.getIntVolatile(FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET);
            if (relative < FIRST_ENTRY_OFFSET || (long)relative + length > dataLength ||
                ++attempts > WriterChecks.MAX_CAS_ATTEMPTS)
            {
                return NO_STRING;
            }
        }
        while (!buffer.compareAndSetInt(FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET, relative, relative + length));
        final int entry = dataOffset + relative;
        buffer.putInt(entry + LENGTH_OFFSET, utf8.length);
        buffer.putInt(entry + HASH_OFFSET, hash);
        buffer.putBytes(entry + BYTES_OFFSET, utf8);
        return relative;
    }

    private boolean matches(final int id, final int hash, final byte[] utf8)
    {
        if (id < FIRST_ENTRY_OFFSET || (long)id + ENTRY_HEADER_LENGTH + utf8.length > dataLength)
        {
            return false;
        }
        final int entry = dataOffset + id;
        if (buffer.getInt(entry + HASH_OFFSET) != hash || buffer.getInt(entry + LENGTH_OFFSET) != utf8.length)
        {
            return false;
        }
        for (int i = 0; i < utf8.length; i++)
        {
            if (buffer.getByte(entry + BYTES_OFFSET + i) != utf8[i])
            {
                return false;
            }
        }
        return true;
    }

    private int notInterned()
    {
        buffer.getAndAddInt(FileHeaderDescriptor.STRINGS_NOT_INTERNED_OFFSET, 1);
        return NO_STRING;
    }
}
