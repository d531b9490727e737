package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.format.EventDescriptor;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.ListDescriptor;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The reader never presents a half-written, torn or corrupted record as an event, and turns every
 * hostile file into one HistoryFormatException sentence (DESIGN.md invariants 1 and 8).
 */
class ReaderDefenceTest
{
    private static final long ADDRESS = 0x1234;

    @TempDir
    Path dir;

    /** A file with one list "l" (window 4, 8 events per object) and one object with 3 events. */
    private Path writeSample(final String name)
    {
        final Path path = dir.resolve(name);
        final HistoryFile file = TestFiles.open(path, 1L << 20);
        final History sh = file.list("l", ListOptions.window(4).eventsPerObject(8).pinnedFirst(2)).push(ADDRESS);
        sh.log(TcpVerb.TCP_REF, "a %d", 1);
        sh.log(TcpVerb.TCP_REF, "b %d", 2);
        sh.log(TcpVerb.TCP_REF, "c %d", 3);
        file.close();
        return path;
    }

    /** Offset of the record holding event {@code position} of the sample object. */
    private static int recordOffset(final HistoryReader reader, final int position)
    {
        final Incarnation incarnation = reader.incarnationsOf(ADDRESS).get(0);
        final ListInfo list = incarnation.list();
        return list.regionOffset() + incarnation.slot() * list.slotLength() + ObjectSlotDescriptor.HEADER_LENGTH +
            ObjectSlotDescriptor.recordIndex(position, list.pinnedFirst(), list.eventsPerObject()) * list.entrySize();
    }

    private static void patch(final Path path, final long offset, final byte[] bytes) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    private static byte[] le(final long value, final int size)
    {
        final byte[] b = new byte[size];
        for (int i = 0; i < size; i++)
        {
            b[i] = (byte)(value >>> (8 * i));
        }
        return b;
    }

    private static List<Event> events(final Path path)
    {
        final HistoryReader reader = HistoryReader.open(path);
        return reader.events(reader.incarnationsOf(ADDRESS).get(0));
    }

    @Test
    void aRecordWhoseStampWasNeverWrittenIsInFlightNotAnEvent() throws Exception
    {
        final Path path = writeSample("inflight.hist");
        // A writer claimed position 1 and died after zeroing the stamp: the fields may even be complete.
        patch(path, recordOffset(HistoryReader.open(path), 1) + EventDescriptor.STAMP_OFFSET, le(0, 8));
        final List<Event> events = events(path);
        assertEquals(List.of(EventStatus.VALID, EventStatus.IN_FLIGHT, EventStatus.VALID),
            events.stream().map(Event::status).toList());
        assertEquals(ProcessHandle.current().pid(), events.get(1).pid(), "the pid field is kept to name the writer");
    }

    @Test
    void aRecordStampedForAnotherGenerationIsNeverShown() throws Exception
    {
        final Path path = writeSample("oldgen.hist");
        final HistoryReader reader = HistoryReader.open(path);
        final int generation = reader.incarnationsOf(ADDRESS).get(0).generation();
        // What a writer of an earlier incarnation would leave: a complete, stamped record of its own.
        patch(path, recordOffset(reader, 2) + EventDescriptor.STAMP_OFFSET,
            le(EventDescriptor.stamp(generation + 1, 2), 8));
        assertEquals(EventStatus.IN_FLIGHT, events(path).get(2).status());
    }

    @Test
    void aStrayWriteIntoACommittedRecordFailsItsChecksum() throws Exception
    {
        final Path path = writeSample("stray.hist");
        patch(path, recordOffset(HistoryReader.open(path), 0) + EventDescriptor.PAYLOAD_OFFSET, le(999, 8));
        final List<Event> events = events(path);
        assertEquals(EventStatus.CHECKSUM_MISMATCH, events.get(0).status());
        assertEquals(EventStatus.VALID, events.get(1).status());
    }

    @Test
    void everySingleBitFlipInARecordIsCaught() throws Exception
    {
        final Path path = writeSample("flips.hist");
        final int record = recordOffset(HistoryReader.open(path), 1);
        final byte[] original = Files.readAllBytes(path);
        for (int bit = 0; bit < 64 * 8; bit++)
        {
            final byte[] copy = original.clone();
            copy[record + bit / 8] ^= (byte)(1 << (bit % 8));
            final Path mutated = dir.resolve("flip.hist");
            Files.write(mutated, copy);
            final Event e = events(mutated).get(1);
            assertNotEquals(EventStatus.VALID, e.status(), "bit " + bit + " flipped yet the event passed");
        }
    }

    @Test
    void refusesTruncatedZeroedRandomAndNewerFiles() throws Exception
    {
        final Path good = writeSample("good.hist");
        final byte[] bytes = Files.readAllBytes(good);

        final Path truncated = dir.resolve("truncated.hist");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRefused(truncated, "is truncated");

        final Path zeroed = dir.resolve("zeroed.hist");
        final byte[] z = bytes.clone();
        java.util.Arrays.fill(z, 0, FileHeaderDescriptor.HEADER_LENGTH, (byte)0);
        Files.write(zeroed, z);
        assertRefused(zeroed, "not a history file");

        final Path random = dir.resolve("random.hist");
        final byte[] r = new byte[1 << 16];
        new Random(42).nextBytes(r);
        Files.write(random, r);
        assertRefused(random, "not a history file");

        final Path newer = dir.resolve("newer.hist");
        final byte[] n = bytes.clone();
        System.arraycopy(le(FileHeaderDescriptor.FORMAT_VERSION + 1, 4), 0, n,
            FileHeaderDescriptor.FORMAT_VERSION_OFFSET, 4);
        Files.write(newer, n);
        assertRefused(newer, "newer than");

        final Path empty = dir.resolve("empty.hist");
        Files.write(empty, new byte[0]);
        assertRefused(empty, "shorter than");

        assertRefused(dir.resolve("missing.hist"), "does not exist");
        assertRefused(dir, "directory");
    }

    @Test
    void refusesHeadersWhoseRegionsLieOutsideTheFile() throws Exception
    {
        final Path good = writeSample("regions.hist");
        final byte[] bytes = Files.readAllBytes(good);
        final int[] fields = {
            FileHeaderDescriptor.LIST_DIRECTORY_OFFSET_OFFSET, FileHeaderDescriptor.MAX_LISTS_OFFSET,
            FileHeaderDescriptor.WRITER_REGISTRY_OFFSET_OFFSET, FileHeaderDescriptor.MAX_WRITERS_OFFSET,
            FileHeaderDescriptor.THREAD_TABLE_OFFSET_OFFSET, FileHeaderDescriptor.MAX_THREADS_OFFSET,
            FileHeaderDescriptor.VERB_TABLE_OFFSET_OFFSET, FileHeaderDescriptor.STRING_INDEX_CAPACITY_OFFSET,
            FileHeaderDescriptor.STRING_DATA_LENGTH_OFFSET, FileHeaderDescriptor.DATA_REGION_LENGTH_OFFSET};
        for (final int field : fields)
        {
            for (final int value : new int[] {-1, Integer.MAX_VALUE, bytes.length})
            {
                final byte[] copy = bytes.clone();
                System.arraycopy(le(value, 4), 0, copy, field, 4);
                final Path hostile = dir.resolve("hostile.hist");
                Files.write(hostile, copy);
                final HistoryFormatException ex = assertThrows(HistoryFormatException.class,
                    () -> HistoryReader.open(hostile), "field at " + field + " = " + value);
                assertTrue(ex.getMessage().contains("corrupt") || ex.getMessage().contains("out of range"),
                    ex.getMessage());
            }
        }
    }

    /** WriterFuzz found it: the string index moved into the data region let interning write into a list. */
    @Test
    void refusesHeadersWhoseRegionsOverlap() throws Exception
    {
        final Path good = writeSample("overlap.hist");
        final byte[] bytes = Files.readAllBytes(good);
        final int dataRegion = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getInt(FileHeaderDescriptor.DATA_REGION_OFFSET_OFFSET);
        final int[] fields = {
            FileHeaderDescriptor.WRITER_REGISTRY_OFFSET_OFFSET, FileHeaderDescriptor.THREAD_TABLE_OFFSET_OFFSET,
            FileHeaderDescriptor.VERB_TABLE_OFFSET_OFFSET, FileHeaderDescriptor.STRING_INDEX_OFFSET_OFFSET,
            FileHeaderDescriptor.STRING_DATA_OFFSET_OFFSET};
        for (final int field : fields)
        {
            final byte[] copy = bytes.clone();
            System.arraycopy(le(dataRegion, 4), 0, copy, field, 4);
            final Path hostile = dir.resolve("overlapping.hist");
            Files.write(hostile, copy);
            final HistoryFormatException ex = assertThrows(HistoryFormatException.class,
                () -> HistoryReader.open(hostile), "field at " + field + " = the data region's offset");
            assertTrue(ex.getMessage().contains("overlaps"), ex.getMessage());
        }
    }

    @Test
    void aCorruptListEntryIsReportedAndItsSlotsAreNotRead() throws Exception
    {
        final Path path = writeSample("badlist.hist");
        final HistoryReader reader = HistoryReader.open(path);
        final int entry = reader.layout().listDirectoryOffset;
        patch(path, entry + ListDescriptor.WINDOW_OFFSET, le(1 << 23, 4));
        final HistoryReader again = HistoryReader.open(path);
        final ListInfo list = again.lists().get(0);
        assertNotNull(list.problem());
        assertTrue(again.incarnationsOf(ADDRESS).isEmpty());
        final HistoryFormatException ex = assertThrows(HistoryFormatException.class, () -> again.incarnations(list));
        assertTrue(ex.getMessage().contains("list 'l' is corrupt"), ex.getMessage());
    }

    @Test
    void aBadStringIdIsShownNotFollowed() throws Exception
    {
        final Path path = writeSample("badstring.hist");
        final HistoryReader reader = HistoryReader.open(path);
        final int record = recordOffset(reader, 0);
        final UnsafeBuffer view = new UnsafeBuffer(new byte[8]);
        view.putInt(0, Integer.MAX_VALUE - 3);
        patch(path, record + EventDescriptor.FORMAT_ID_OFFSET, new byte[] {view.getByte(0), view.getByte(1),
            view.getByte(2), view.getByte(3)});
        final HistoryReader again = HistoryReader.open(path);
        assertTrue(again.string(Integer.MAX_VALUE - 3).startsWith("<bad string id"));
        assertTrue(again.string(-8).startsWith("<bad string id"));
        assertEquals("", again.string(0));
    }

    private static void assertRefused(final Path path, final String fragment)
    {
        final HistoryFormatException ex = assertThrows(HistoryFormatException.class, () -> HistoryReader.open(path));
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "one sentence: " + ex.getMessage());
    }
}
