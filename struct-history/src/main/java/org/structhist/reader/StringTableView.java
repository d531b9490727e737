package org.structhist.reader;

import org.agrona.concurrent.AtomicBuffer;
import org.structhist.format.FileLayout;
import org.structhist.format.StringTableDescriptor;
import org.structhist.format.VerbTableDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The file's string and verb tables as a reader sees them: every id bounds-checked before it is
 * followed, short strings cached (long ones, stacks, are not: a hostile file could make every event
 * name a distinct 16 KiB one).
 */
final class StringTableView
{
    private static final int MAX_CACHED_STRING_CHARS = 1024;

    private final AtomicBuffer buffer;
    private final FileLayout layout;
    private final Map<Integer, String> strings = new HashMap<>();

    StringTableView(final AtomicBuffer buffer, final FileLayout layout)
    {
        this.buffer = buffer;
        this.layout = layout;
    }

    /** The string with id {@code id}: "" for 0, a marker for an id that does not lead to a string. */
    public String string(final int id)
    {
        if (id == StringTableDescriptor.NO_STRING)
        {
            return "";
        }
        final String cached = strings.get(id);
        if (cached != null)
        {
            return cached;
        }
        final String value = readString(id);
        if (value.length() <= MAX_CACHED_STRING_CHARS)
        {
            // Long strings (stacks) are not kept: in a hostile file every event could name a distinct
            // 16 KiB one, and the cache would grow far beyond the file.
            strings.put(id, value);
        }
        return value;
    }

    private String readString(final int id)
    {
        if (id < StringTableDescriptor.FIRST_ENTRY_OFFSET || (id & (StringTableDescriptor.ALIGNMENT - 1)) != 0 ||
            (long)id + StringTableDescriptor.ENTRY_HEADER_LENGTH > layout.stringDataLength)
        {
            return "<bad string id " + id + ">";
        }
        final int entry = layout.stringDataOffset + id;
        final int length = buffer.getInt(entry + StringTableDescriptor.LENGTH_OFFSET);
        if (length < 0 || length > StringTableDescriptor.MAX_STRING_BYTES ||
            (long)id + StringTableDescriptor.ENTRY_HEADER_LENGTH + length > layout.stringDataLength)
        {
            return "<bad string id " + id + ">";
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(entry + StringTableDescriptor.BYTES_OFFSET, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The verb table entry of verb id {@code id} (0 when out of range): name id and effect. */
    long verbEntry(final int id)
    {
        if (id < 1 || id > layout.maxVerbs)
        {
            return 0;
        }
        return buffer.getLongVolatile(layout.verbTableOffset + (id - 1) * VerbTableDescriptor.ENTRY_LENGTH);
    }
}
