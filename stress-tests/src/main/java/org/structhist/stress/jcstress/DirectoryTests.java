package org.structhist.stress.jcstress;

import org.structhist.StructHistoryException;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.ListDescriptor;
import org.structhist.format.StringTableDescriptor;
import org.structhist.internal.ListDirectory;
import org.structhist.internal.StringInterner;

import java.nio.charset.StandardCharsets;

/** What the list directory tests share: a directory over a slice, and reading back what it wrote. */
final class DirectoryTests
{
    /** Window 1, two records of 64 bytes: a region of 192 bytes per list. */
    static final int SLOT_BYTES = 64 + 2 * 64;

    private DirectoryTests()
    {
    }

    static ListDirectory directory(final Fixture.Slice slice)
    {
        return new ListDirectory(slice.buffer, Fixture.Slices.LAYOUT,
            new StringInterner(slice.buffer, Fixture.Slices.LAYOUT), "slice");
    }

    /** Creates or finds {@code name}; null if the directory refused (reported as index -1). */
    static ListDirectory.Entry create(final ListDirectory directory, final String name)
    {
        try
        {
            return directory.findOrCreate(name, 1, 2, 0, 64, 0, 1);
        }
        catch (final StructHistoryException ex)
        {
            return null;
        }
    }

    /** How many list regions the data region cursor has moved past. */
    static int reservations(final Fixture.Slice slice)
    {
        return (slice.buffer.getIntVolatile(FileHeaderDescriptor.DATA_REGION_CURSOR_OFFSET) -
            Fixture.Slices.LAYOUT.dataRegionOffset) / SLOT_BYTES;
    }

    static int regionOffset(final Fixture.Slice slice, final int index)
    {
        return slice.buffer.getInt(ListDescriptor.entryOffset(Fixture.Slices.LAYOUT.listDirectoryOffset, index) +
            ListDescriptor.REGION_OFFSET_OFFSET);
    }

    /** The name of directory entry {@code index} as a reader would see it. */
    static String name(final Fixture.Slice slice, final int index)
    {
        final int id =
            slice.buffer.getInt(ListDescriptor.entryOffset(Fixture.Slices.LAYOUT.listDirectoryOffset, index) +
            ListDescriptor.NAME_ID_OFFSET);
        if (id < StringTableDescriptor.FIRST_ENTRY_OFFSET || id + 8 > Fixture.Slices.LAYOUT.stringDataLength)
        {
            return "<bad id " + id + ">";
        }
        final int entry = Fixture.Slices.LAYOUT.stringDataOffset + id;
        final int length = slice.buffer.getInt(entry + StringTableDescriptor.LENGTH_OFFSET);
        if (length < 0 || id + 8 + length > Fixture.Slices.LAYOUT.stringDataLength)
        {
            return "<bad length>";
        }
        final byte[] bytes = new byte[length];
        slice.buffer.getBytes(entry + StringTableDescriptor.BYTES_OFFSET, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
