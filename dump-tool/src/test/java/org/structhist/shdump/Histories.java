package org.structhist.shdump;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Writing history files for the tests through the library, and patching their bytes afterwards. */
public final class Histories
{
    /** Big enough for every test's lists, small enough to create in a few milliseconds. */
    public static final long FILE_BYTES = 8L << 20;

    private Histories()
    {
    }

    public static HistoryFile open(final Path path)
    {
        return HistoryFile.open(path, FileOptions.defaults().sizeBytes(FILE_BYTES));
    }

    /** Offset in the file of the record that holds event {@code position} of {@code incarnation}. */
    public static long recordOffset(final Incarnation incarnation, final int position)
    {
        final ListInfo list = incarnation.list();
        return (long)list.regionOffset() + (long)incarnation.slot() * list.slotLength() +
            ObjectSlotDescriptor.HEADER_LENGTH +
            (long)ObjectSlotDescriptor.recordIndex(position, list.pinnedFirst(), list.eventsPerObject()) *
            list.entrySize();
    }

    /** Offset of the only (or first) incarnation of {@code address} in {@code path}. */
    public static Incarnation incarnation(final Path path, final long address)
    {
        return HistoryReader.open(path).incarnationsOf(address).get(0);
    }

    /** Offset in the file of the directory entry of list {@code index}. */
    public static long listEntryOffset(final Path path, final int index)
    {
        return (long)HistoryReader.open(path).layout().listDirectoryOffset +
            (long)index * org.structhist.format.ListDescriptor.ENTRY_LENGTH;
    }

    /** Writes {@code value} little-endian in {@code size} bytes at {@code offset}, as a stray write would. */
    public static void patch(final Path path, final long offset, final long value, final int size)
    {
        final byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)(value >>> (8 * i));
        }
        patch(path, offset, bytes);
    }

    public static void patch(final Path path, final long offset, final byte[] bytes)
    {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Little-endian value of {@code size} bytes at {@code offset} of {@code bytes}. */
    public static long read(final byte[] bytes, final int offset, final int size)
    {
        long value = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    public static void put(final byte[] bytes, final int offset, final long value, final int size)
    {
        for (int i = 0; i < size; i++)
        {
            bytes[offset + i] = (byte)(value >>> (8 * i));
        }
    }
}
