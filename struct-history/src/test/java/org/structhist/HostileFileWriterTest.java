package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.ListDescriptor;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.format.WriterRegistryDescriptor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Writers never trust the file (DESIGN.md invariant 10): a value another process wrote into the mapping
 * (a Push Cursor, the Data Region Cursor, slot state words, table cursors) makes the operation a counted
 * no-op or one StructHistoryException, and never a write outside the structure it belongs to. Each test
 * compares the whole file before and after, outside the bytes the operation may legitimately change, so
 * it also fails with {@code -Dagrona.disable.bounds.checks=true}, where a bad offset is no exception but a
 * silent write (surefire runs this class a second time that way, see this module's pom).
 */
class HostileFileWriterTest
{
    @TempDir
    Path dir;

    private final List<HistoryFile> opened = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        opened.forEach(HistoryFile::close);
    }

    private HistoryFile open(final String name)
    {
        final HistoryFile file = TestFiles.open(dir.resolve(name), 1L << 20);
        opened.add(file);
        return file;
    }

    private static int entryOffset(final HistoryFile file, final HistoryList list)
    {
        return ListDescriptor.entryOffset(file.mapped().layout.listDirectoryOffset, list.index());
    }

    private static byte[] snapshot(final UnsafeBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** Fails naming the first byte that changed outside the allowed {@code [from, to)} ranges (pairs). */
    private static void assertUnchangedOutside(final byte[] before, final UnsafeBuffer after, final int... allowed)
    {
        final byte[] now = snapshot(after);
        final FileLayout layout = FileLayout.read(after, after.capacity(), "f");
        for (int i = 0; i < before.length; i++)
        {
            final int inRegistry = i - layout.writerRegistryOffset;
            // The ticker writes this process's heartbeat whenever it likes.
            boolean inAllowed = inRegistry >= 0 &&
                inRegistry < layout.maxWriters * WriterRegistryDescriptor.ENTRY_LENGTH &&
                inRegistry % WriterRegistryDescriptor.ENTRY_LENGTH -
                    WriterRegistryDescriptor.HEARTBEAT_MILLIS_OFFSET >= 0 &&
                inRegistry % WriterRegistryDescriptor.ENTRY_LENGTH -
                    WriterRegistryDescriptor.HEARTBEAT_MILLIS_OFFSET < 8;
            for (int r = 0; r < allowed.length; r += 2)
            {
                inAllowed |= i >= allowed[r] && i < allowed[r + 1];
            }
            if (!inAllowed && before[i] != now[i])
            {
                fail("byte " + i + " (" + where(layout, i) + ") changed (" + before[i] + " -> " + now[i] +
                    ") outside what the operation may write");
            }
        }
    }

    /** Which region of the file {@code offset} lies in, for failure messages. */
    private static String where(final FileLayout l, final int offset)
    {
        final int[] starts = {0, l.listDirectoryOffset, l.writerRegistryOffset, l.threadTableOffset, l.verbTableOffset,
            l.stringIndexOffset, l.stringDataOffset, l.dataRegionOffset};
        final String[] names = {"header", "list directory", "writer registry", "thread table", "verb table",
            "string index", "string data", "data region"};
        int region = 0;
        for (int r = 0; r < starts.length; r++)
        {
            region = offset >= starts[r] ? r : region;
        }
        return names[region] + " + " + (offset - starts[region]);
    }

    @Test
    void boundsChecksAreWhatThisRunAskedFor()
    {
        // Proves the second surefire execution really runs these tests without Agrona's bounds checks.
        assertEquals(!Boolean.getBoolean(UnsafeBuffer.DISABLE_BOUNDS_CHECKS_PROP_NAME),
            UnsafeBuffer.SHOULD_BOUNDS_CHECK);
    }

    @Test
    void aNegativePushCursorIsRefusedAndCountedNotWrittenBeforeTheRegion()
    {
        final HistoryFile file = open("cursor.hist");
        final HistoryList before = file.list("before", ListOptions.window(4).eventsPerObject(4));
        final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(4));
        final UnsafeBuffer buffer = file.buffer();
        final int cursor = entryOffset(file, list) + ListDescriptor.PUSH_CURSOR_OFFSET;
        buffer.putLongVolatile(cursor, -1_000_001L); // the repro: slot -1 lies in the list before
        final byte[] snapshot = snapshot(buffer);

        final long handle = list.pushHandle(0xABC);

        assertEquals(0, handle, "a refused push returns the null handle");
        assertEquals(1, list.writesRefused());
        assertUnchangedOutside(snapshot, buffer, cursor, cursor + 8);
        final int region = buffer.getInt(entryOffset(file, list) + ListDescriptor.REGION_OFFSET_OFFSET);
        final byte[] beforeLog = snapshot(buffer);
        list.log(handle, TcpVerb.TCP_REF, "refused %d", 7L);
        assertUnchangedOutside(beforeLog, buffer, 0, region); // registers this thread, writes no event
        assertEquals(0, before.writesRefused());
    }

    @Test
    void aPushCursorBeyondTheHandleBitsIsRefused()
    {
        final HistoryFile file = open("wide.hist");
        final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(4));
        final UnsafeBuffer buffer = file.buffer();
        final int cursor = entryOffset(file, list) + ListDescriptor.PUSH_CURSOR_OFFSET;
        for (final long hostile : new long[] {Long.MIN_VALUE, -1, 1L << 56, Long.MAX_VALUE})
        {
            buffer.putLongVolatile(cursor, hostile);
            final byte[] snapshot = snapshot(buffer);
            assertEquals(0, list.pushHandle(1), "push cursor " + hostile);
            assertUnchangedOutside(snapshot, buffer, cursor, cursor + 8);
        }
        assertEquals(4, list.writesRefused());
        buffer.putLongVolatile(cursor, 0);
        assertNotEquals(0, list.pushHandle(1), "a sound cursor pushes again");
    }

    @Test
    void aDataRegionCursorOutsideTheDataRegionRefusesListCreation()
    {
        final HistoryFile file = open("region.hist");
        file.list("first", ListOptions.window(4).eventsPerObject(4));
        final UnsafeBuffer buffer = file.buffer();
        final FileLayout layout = file.mapped().layout;
        final int cursor = FileHeaderDescriptor.DATA_REGION_CURSOR_OFFSET;
        final int honest = buffer.getIntVolatile(cursor);
        final int[] hostile = {0, layout.listDirectoryOffset, layout.stringDataOffset, layout.dataRegionOffset - 8,
            honest + 3, -4096, Integer.MIN_VALUE, (int)layout.fileLength + 8};
        final int secondEntry = ListDescriptor.entryOffset(layout.listDirectoryOffset, 1);
        for (final int value : hostile)
        {
            buffer.putIntVolatile(cursor, value);
            final byte[] snapshot = snapshot(buffer);
            final StructHistoryException ex = assertThrows(StructHistoryException.class,
                () -> file.list("second", ListOptions.window(4).eventsPerObject(4)), "cursor " + value);
            assertTrue(ex.getMessage().contains("data region cursor " + value), ex.getMessage());
            // The list's name is interned and its entry claimed then freed again: nothing else may change.
            assertUnchangedOutside(snapshot, buffer, layout.stringIndexOffset, layout.dataRegionOffset,
                FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET, FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET + 4);
            assertEquals(ListDescriptor.STATE_FREE, buffer.getIntVolatile(secondEntry + ListDescriptor.STATE_OFFSET));
        }
        buffer.putIntVolatile(cursor, honest);
        assertEquals(1, file.list("second", ListOptions.window(4).eventsPerObject(4)).index());
    }

    @Test
    void aListWhoseSlotsOverlapAnotherListsIsRefusedAtLookup()
    {
        final HistoryFile file = open("overlap.hist");
        final HistoryList first = file.list("first", ListOptions.window(4).eventsPerObject(4));
        final HistoryList second = file.list("second", ListOptions.window(4).eventsPerObject(4));
        final UnsafeBuffer buffer = file.buffer();
        final int firstRegion = buffer.getInt(entryOffset(file, first) + ListDescriptor.REGION_OFFSET_OFFSET);
        // Another process moves the second list onto the first one's slots (still inside the data region).
        buffer.putInt(entryOffset(file, second) + ListDescriptor.REGION_OFFSET_OFFSET, firstRegion + 64);
        file.close();
        opened.remove(file);
        final HistoryFile again = open("overlap.hist");
        final StructHistoryException ex = assertThrows(StructHistoryException.class,
            () -> again.list("second", ListOptions.window(4).eventsPerObject(4)));
        assertTrue(ex.getMessage().contains("overlap those of list #0"), ex.getMessage());
        // Which of the two is the culprit no writer can tell: both are refused.
        assertThrows(StructHistoryException.class, () -> again.list("first", ListOptions.window(4).eventsPerObject(4)));
    }

    @Test
    void randomSlotStateWordsNeverMoveAWriteOutOfItsSlot()
    {
        final HistoryFile file = open("state.hist");
        final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(4).pinnedFirst(1));
        final UnsafeBuffer buffer = file.buffer();
        final int entry = entryOffset(file, list);
        final int region = buffer.getInt(entry + ListDescriptor.REGION_OFFSET_OFFSET);
        final int regionEnd = region + buffer.getInt(entry + ListDescriptor.REGION_LENGTH_OFFSET);
        final long[] handles = new long[4];
        for (int i = 0; i < handles.length; i++)
        {
            handles[i] = list.pushHandle(0x100 + i);
            list.log(handles[i], TcpVerb.TCP_REF, "warm %d", i); // interns the verb and format once
        }
        final Random random = new Random(10);
        for (int round = 0; round < 400; round++)
        {
            final int slot = random.nextInt(4);
            final int slotOffset = region + slot * ObjectSlotDescriptor.slotLength(4, list.options().entrySize());
            final long state = random.nextInt(3) == 0 ? random.nextLong() :
                ObjectSlotDescriptor.state(ObjectSlotDescriptor.generation(buffer.getLong(slotOffset)),
                random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt());
            buffer.putLongVolatile(slotOffset, state);
            final byte[] snapshot = snapshot(buffer);
            list.log(handles[slot], TcpVerb.TCP_REF, "warm %d", round);
            list.unref(handles[slot]);
            // The entry's counters and Stale Handle Table, from the Push Cursor to the entry's end, count events.
            final int counters = entry + ListDescriptor.PUSH_CURSOR_OFFSET;
            assertUnchangedOutside(snapshot, buffer, region, regionEnd, counters, entry + ListDescriptor.ENTRY_LENGTH);
        }
    }

    @Test
    void hostileStringAndThreadCursorsLeaveTheTablesAlone() throws Exception
    {
        final HistoryFile file = open("tables.hist");
        final HistoryList list = file.list("l", ListOptions.window(4).eventsPerObject(4));
        final UnsafeBuffer buffer = file.buffer();
        final FileLayout layout = file.mapped().layout;
        final long handle = list.pushHandle(1);
        for (final int value : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, layout.stringDataLength - 2})
        {
            buffer.putIntVolatile(FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET, value);
            buffer.putIntVolatile(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET, value);
            final byte[] snapshot = snapshot(buffer);
            final Thread thread = new Thread(() -> list.log(handle, TcpVerb.TCP_UNREF, "fresh format " + value, 1L),
                "fresh thread " + value);
            thread.start();
            thread.join();
            final int region = buffer.getInt(entryOffset(file, list) + ListDescriptor.REGION_OFFSET_OFFSET);
            // Only the event, the table indexes (a CAS that may find nothing to write) and the
            // not-interned / not-registered counters may change.
            assertUnchangedOutside(snapshot, buffer, region, (int)layout.fileLength,
                FileHeaderDescriptor.STRINGS_NOT_INTERNED_OFFSET, FileHeaderDescriptor.STRINGS_NOT_INTERNED_OFFSET + 4,
                FileHeaderDescriptor.THREADS_NOT_REGISTERED_OFFSET,
                FileHeaderDescriptor.THREADS_NOT_REGISTERED_OFFSET + 8);
        }
    }
}
