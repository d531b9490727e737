package org.structhist.format;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.Effect;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.Verb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads files the library wrote using only what {@code docs/FORMAT.md} says: field offsets come from
 * the document's tables (not from the descriptor constants), and the layout rules, protocols, checksum
 * and encodings are re-implemented here from the document's text. If the writer and the document
 * disagree, this test fails even when {@link FormatDocTest} (document versus constants) passes.
 */
class FormatDocFileTest
{
    private static final String HEADER = "FileHeaderDescriptor";
    private static final String LIST = "ListDescriptor";
    private static final String SLOT = "ObjectSlotDescriptor";
    private static final String EVENT = "EventDescriptor";
    private static final String STRINGS = "StringTableDescriptor";
    private static final String WRITER = "WriterRegistryDescriptor";
    private static final String THREAD = "ThreadTableDescriptor";
    private static final String VERB = "VerbTableDescriptor";

    /** Values the document states for format version 2. */
    private static final int DOC_HEADER_LENGTH = 4096;
    private static final int DOC_LIST_ENTRY = 384;
    private static final int DOC_WRITER_ENTRY = 64;
    private static final int DOC_THREAD_ENTRY = 16;
    private static final int DOC_VERB_ENTRY = 8;
    private static final int DOC_INDEX_SLOT = 4;
    private static final int DOC_STATE_READY = 2;
    private static final int DOC_WRITER_ATTACHED = 1;
    private static final int DOC_FLAG_TEXT = 4;
    private static final int DOC_FLAG_CHECKSUM = 32;
    private static final int DOC_LIST_FLAG_CHECKSUMS = 4;
    private static final int DOC_FLAG_COUNT = 64;
    private static final int DOC_STALE_TABLE_ENTRIES = 32;

    private static FormatDoc doc;

    @TempDir
    Path dir;

    enum DocVerb implements Verb
    {
        DOC_OPEN(Effect.REF),
        DOC_NOTE(Effect.NONE),
        DOC_CLOSE(Effect.DESTROY);

        private final Effect effect;

        DocVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    @BeforeAll
    static void loadDocument()
    {
        doc = FormatDoc.load();
    }

    @Test
    void firstBytesAreTheDocumentedMagicAndVersion() throws IOException
    {
        final Path path = dir.resolve("magic.hist");
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(4 << 20));
        try
        {
            final ByteBuffer first = ByteBuffer.allocate(16);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
            {
                while (first.hasRemaining() && channel.read(first, first.position()) > 0)
                {
                    // read until 16 bytes
                }
            }
            final byte[] bytes = first.array();
            final int magic = at(HEADER, "Magic");
            final int version = at(HEADER, "Format Version");
            final int headerLength = at(HEADER, "Header Length");
            assertArrayEquals(new byte[] {0x53, 0x54, 0x52, 0x48, 0x49, 0x53, 0x54, 0x0A},
                slice(bytes, magic, 8), "magic: the bytes \"STRHIST\\n\"");
            assertArrayEquals("STRHIST\n".getBytes(StandardCharsets.US_ASCII), slice(bytes, magic, 8));
            assertArrayEquals(new byte[] {2, 0, 0, 0}, slice(bytes, version, 4),
                "format version 2 as a little-endian i32");
            assertArrayEquals(new byte[] {0x00, 0x10, 0x00, 0x00}, slice(bytes, headerLength, 4),
                "header length 4096 as a little-endian i32");
        }
        finally
        {
            file.close();
        }
    }

    @Test
    void creationFollowsTheDocumentedLayoutAndPermissions() throws IOException
    {
        final Path path = dir.resolve("layout.hist");
        final long requested = (4L << 20) + 1000;
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(requested)
            .maxLists(7).maxWriters(5).maxThreads(33).maxVerbs(11).stringIndexCapacity(64).stringDataBytes(5001));
        try
        {
            final ByteBuffer b = readFile(path);
            final long fileLength = b.getLong(at(HEADER, "File Length"));
            assertEquals(requested & ~4095L, fileLength, "the requested size rounded down to a multiple of 4096");
            assertEquals(Files.size(path), fileLength, "File Length is the file's size");
            try (java.util.stream.Stream<Path> siblings = Files.list(dir))
            {
                assertEquals(List.of(), siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("layout.hist.creating-")).toList(),
                    "the creator deletes its NAME.creating-PID-NANOS temporary");
            }
            assertEquals(DOC_HEADER_LENGTH, b.getInt(at(HEADER, "Header Length")));
            assertEquals(ProcessHandle.current().pid(), b.getLong(at(HEADER, "Creator Pid")));

            final int maxLists = b.getInt(at(HEADER, "Max Lists"));
            final int maxWriters = b.getInt(at(HEADER, "Max Writers"));
            final int maxThreads = b.getInt(at(HEADER, "Max Threads"));
            final int maxVerbs = b.getInt(at(HEADER, "Max Verbs"));
            final int indexCapacity = b.getInt(at(HEADER, "String Index Capacity"));
            final int stringDataLength = b.getInt(at(HEADER, "String Data Length"));
            assertEquals(List.of(7, 5, 33, 11, 64, 5001),
                List.of(maxLists, maxWriters, maxThreads, maxVerbs, indexCapacity, stringDataLength));

            // The region table of the document: each region follows the previous one.
            final long listDirectory = DOC_HEADER_LENGTH;
            final long writerRegistry = listDirectory + (long)maxLists * DOC_LIST_ENTRY;
            final long threadTable = writerRegistry + (long)maxWriters * DOC_WRITER_ENTRY;
            final long verbTable = threadTable + (long)maxThreads * DOC_THREAD_ENTRY;
            final long stringIndex = verbTable + (long)maxVerbs * DOC_VERB_ENTRY;
            final long stringData = roundUp(stringIndex + (long)indexCapacity * DOC_INDEX_SLOT, 8);
            final long dataRegion = roundUp(stringData + stringDataLength, 4096);
            assertEquals(listDirectory, b.getInt(at(HEADER, "List Directory Offset")));
            assertEquals(writerRegistry, b.getInt(at(HEADER, "Writer Registry Offset")));
            assertEquals(threadTable, b.getInt(at(HEADER, "Thread Table Offset")));
            assertEquals(verbTable, b.getInt(at(HEADER, "Verb Table Offset")));
            assertEquals(stringIndex, b.getInt(at(HEADER, "String Index Offset")));
            assertEquals(stringData, b.getInt(at(HEADER, "String Data Offset")));
            assertEquals(dataRegion, b.getInt(at(HEADER, "Data Region Offset")));
            assertEquals(fileLength - dataRegion, b.getInt(at(HEADER, "Data Region Length")));

            assertEquals(List.of(384, 128, 40, 64, 16, 8), List.of(
                b.getInt(at(HEADER, "List Entry Length")), b.getInt(at(HEADER, "Slot Header Length")),
                b.getInt(at(HEADER, "Event Header Length")), b.getInt(at(HEADER, "Writer Entry Length")),
                b.getInt(at(HEADER, "Thread Entry Length")), b.getInt(at(HEADER, "Verb Entry Length"))),
                "the six entry lengths the document gives for version 2");
            assertEquals(dataRegion, b.getInt(at(HEADER, "Data Region Cursor")), "no list reserved yet");
            assertEquals(8, b.getInt(at(HEADER, "String Data Cursor")), "no string interned yet");
            for (int offset = 156; offset < DOC_HEADER_LENGTH; offset++)
            {
                assertEquals(0, b.get(offset), "reserved header byte " + offset + " is zero");
            }

            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix"))
            {
                assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(path), "owner-only permissions");
            }
        }
        finally
        {
            file.close();
        }
    }

    @Test
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    void eventsReadByTheDocumentAreWhatWasLogged() throws IOException
    {
        final Path path = dir.resolve("events.hist");
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(4 << 20));
        try
        {
            final HistoryList list = file.list("doc list", ListOptions.window(4).eventsPerObject(4).pinnedFirst(1));
            final History first = list.push(0xA11CEL);
            first.log(DocVerb.DOC_OPEN, "open fd=%d", 7);
            for (int i = 1; i <= 4; i++)
            {
                first.log(DocVerb.DOC_NOTE, "n=%d,%d", i, -i);
            }
            final History second = list.push(0xB0BL);
            final String text = "größe ✓ \u2400";
            second.log(DocVerb.DOC_CLOSE, "größe=%s", text);
            second.unref();

            final ByteBuffer b = readFile(path);
            final long pid = ProcessHandle.current().pid();

            // Lists: scan the directory for a READY entry named "doc list".
            final int directory = b.getInt(at(HEADER, "List Directory Offset"));
            int listIndex = -1;
            for (int i = 0; i < b.getInt(at(HEADER, "Max Lists")); i++)
            {
                final int entry = directory + i * DOC_LIST_ENTRY;
                if (b.getInt(entry + at(LIST, "State")) == DOC_STATE_READY &&
                    "doc list".equals(string(b, b.getInt(entry + at(LIST, "Name Id")))))
                {
                    listIndex = i;
                }
            }
            assertTrue(listIndex >= 0, "the list is found by name among READY entries");
            final int entry = directory + listIndex * DOC_LIST_ENTRY;
            final int window = b.getInt(entry + at(LIST, "Window"));
            final int eventsPerObject = b.getInt(entry + at(LIST, "Events Per Object"));
            final int pinned = b.getInt(entry + at(LIST, "Pinned First"));
            final int entrySize = b.getInt(entry + at(LIST, "Entry Size"));
            final int slotLength = b.getInt(entry + at(LIST, "Slot Length"));
            final int regionOffset = b.getInt(entry + at(LIST, "Region Offset"));
            assertEquals(List.of(4, 4, 1, 64), List.of(window, eventsPerObject, pinned, entrySize));
            assertEquals(at(SLOT, "Event records") + eventsPerObject * entrySize, slotLength);
            assertEquals((long)window * slotLength, b.getInt(entry + at(LIST, "Region Length")));
            assertEquals(b.getInt(at(HEADER, "Data Region Offset")), regionOffset, "the first list's region");
            assertEquals(DOC_LIST_FLAG_CHECKSUMS, b.getInt(entry + at(LIST, "Flags")) & DOC_LIST_FLAG_CHECKSUMS);
            assertEquals(2, b.getLong(entry + at(LIST, "Push Cursor")));

            // Handles: list index + 1 in the top 8 bits, the push number below.
            assertEquals(((long)(listIndex + 1) << 56) | 0, first.handle());
            assertEquals(((long)(listIndex + 1) << 56) | 1, second.handle());

            // Slot of the first push: number 0, slot 0, generation 1; 5 events, E = 4, P = 1, R = 3.
            final int slot0 = regionOffset + 0 * slotLength;
            final long state0 = b.getLong(slot0 + at(SLOT, "State"));
            assertEquals(documentedGeneration(0, window), (int)(state0 >>> 32),
                "generation = ((push number / window) mod (2^32 - 1)) + 1");
            assertEquals(0, state0 & 0x80000000L, "not unref'd");
            assertEquals(5, state0 & 0x7FFFFFFFL, "five positions claimed");
            assertEquals(1, b.getInt(slot0 + at(SLOT, "Header Generation")));
            assertEquals(0, b.getLong(slot0 + at(SLOT, "Push Number")));
            assertEquals(0xA11CEL, b.getLong(slot0 + at(SLOT, "Address")));
            assertEquals(pid, b.getInt(slot0 + at(SLOT, "Creator Pid")));
            assertEquals((int)Thread.currentThread().getId(), b.getInt(slot0 + at(SLOT, "Creator Thread Id")));
            assertHeaderChecksum(b, slot0, 1);

            final int count = 5;
            final int ring = eventsPerObject - pinned;
            final List<Integer> kept = new ArrayList<>();
            for (int p = 0; p < Math.min(count, pinned); p++)
            {
                kept.add(p);
            }
            for (int p = Math.max(pinned, count - ring); p < count; p++)
            {
                kept.add(p);
            }
            assertEquals(List.of(0, 2, 3, 4), kept, "pinned first + ring, as the document computes them");
            assertEquals(1, Math.max(0, count - eventsPerObject), "dropped between them");

            for (final int p : kept)
            {
                final long[] words = readEvent(b, slot0, 1, p, pinned, eventsPerObject, entrySize);
                if (p == 0)
                {
                    assertVerb(b, words, "DOC_OPEN", 1);
                    assertEquals("open fd=%d", string(b, formatId(words)));
                    assertEquals(DOC_FLAG_CHECKSUM | 1, flags(words));
                    assertEquals(7, words[5]);
                }
                else
                {
                    assertVerb(b, words, "DOC_NOTE", 0);
                    assertEquals("n=%d,%d", string(b, formatId(words)));
                    assertEquals(DOC_FLAG_CHECKSUM | 2, flags(words));
                    assertEquals(List.of((long)p, (long)-p), List.of(words[5], words[6]),
                        "position p holds note number p");
                }
                assertEquals(pid, (int)words[2], "Pid");
                assertEquals((int)Thread.currentThread().getId(), (int)(words[2] >>> 32), "Thread Id");
                final long wall = wallNanos(b, (int)words[2], words[1]);
                assertTrue(Math.abs(wall / 1_000_000 - System.currentTimeMillis()) < 60_000,
                    "the event's wall time, by the writer's clock base, is now");
            }

            // Slot of the second push: a text event, unref'd.
            final int slot1 = regionOffset + 1 * slotLength;
            final long state1 = b.getLong(slot1 + at(SLOT, "State"));
            assertEquals(documentedGeneration(1, window), (int)(state1 >>> 32));
            assertEquals(1, b.getInt(slot1 + at(SLOT, "Header Generation")));
            assertEquals(1, b.getLong(slot1 + at(SLOT, "Push Number")));
            assertEquals(0xB0BL, b.getLong(slot1 + at(SLOT, "Address")));
            assertHeaderChecksum(b, slot1, 1);
            assertNotEquals(0, state1 & 0x80000000L, "unref bit");
            assertEquals(1, state1 & 0x7FFFFFFFL);
            assertNotEquals(0, b.getLong(slot1 + at(SLOT, "Unref Time")));
            final long[] words = readEvent(b, slot1, 1, 0, pinned, eventsPerObject, entrySize);
            assertVerb(b, words, "DOC_CLOSE", 3);
            assertEquals(DOC_FLAG_CHECKSUM | DOC_FLAG_TEXT, flags(words));
            final String format = string(b, formatId(words));
            assertEquals("größe=%s", format);
            assertNotEquals(format.hashCode(), hashOf(format.getBytes(StandardCharsets.UTF_8)),
                "this format tells the documented hash from String.hashCode");
            final ByteBuffer payload = ByteBuffer.allocate(entrySize - 40).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 5; i < words.length; i++)
            {
                payload.putLong(words[i]);
            }
            int end = 0;
            while (end < payload.capacity() && payload.get(end) != 0)
            {
                end++;
            }
            assertEquals(text, new String(payload.array(), 0, end, StandardCharsets.UTF_8), "the text payload");

            assertThreadRegistered(b, pid);
            assertWriterRegistered(b, pid);
        }
        finally
        {
            file.close();
        }
    }

    @Test
    void countsRefDeltasAndStaleHandleEventsAreWhereTheDocumentSays() throws IOException
    {
        final Path path = dir.resolve("counts.hist");
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(4 << 20));
        try
        {
            // E = 4, P = 1: five events, so one REF is dropped by the ring and only the slot's sum has it.
            final HistoryList list = file.list("count list", ListOptions.window(2).eventsPerObject(4).pinnedFirst(1));
            list.push(0xC0C0L);
            final History evicted = list.push(0xE1L);
            list.push(0xE2L);
            list.push(0xE3L); // push 3 takes push 1's slot: push 1's handle is stale now
            evicted.log(DocUnref.DOC_UNREF, 0, "stale unref");
            evicted.log(DocUnref.DOC_UNREF, -1, "stale unref");
            list.log(0x7E00_0000_0000_0001L, DocVerb.DOC_NOTE, "garbage handle");

            final ByteBuffer b = readFile(path);
            final int entry = readyListEntry(b, "count list");
            final int slotLength = b.getInt(entry + at(LIST, "Slot Length"));
            final int slot2 = b.getInt(entry + at(LIST, "Region Offset")); // push 2 is in slot 0, generation 2
            assertEquals(at(SLOT, "Event records") + 4 * 64, slotLength);

            // Push 0 left the window too (push 2 took slot 0); push 2's delta word is (generation 2, 0).
            assertEquals(2L << 32, b.getLong(slot2 + at(SLOT, "Claimed Ref Delta")), "a fresh push's sum is 0");

            // Stale Handle Table: push 1's word holds 2 events, delta -2; the garbage handle is foreign.
            final long word = b.getLong(entry + at(LIST, "Stale Handle Table") + (1 % DOC_STALE_TABLE_ENTRIES) * 8);
            assertEquals(1, (int)(word >>> 32), "Push Tag: the low 32 bits of push number 1");
            assertEquals(2, (int)(word >>> 16) & 0xFFFF, "Events");
            assertEquals(-2, (short)word, "Ref Delta");
            assertEquals(2, b.getLong(entry + at(LIST, "Stale Events Dropped")));
            assertEquals(0, b.getLong(entry + at(LIST, "Stale Events Unattributed")));
            assertEquals(1, b.getLong(entry + at(LIST, "Foreign Handle Claims")));
        }
        finally
        {
            file.close();
        }
    }

    @Test
    void theCountIsPayloadWordTwoAndTheSlotSumsEveryClaimedRefAndUnref() throws IOException
    {
        final Path path = dir.resolve("count-record.hist");
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(4 << 20));
        try
        {
            final HistoryList list = file.list("count list", ListOptions.window(2).eventsPerObject(4).pinnedFirst(1));
            final History object = list.push(0xC0C0L);
            object.log(DocVerb.DOC_OPEN, 1, "created");
            object.log(DocVerb.DOC_OPEN, 2, "ref by %d", 11);
            object.log(DocVerb.DOC_NOTE, 2, "note %d %d", 5, 6);
            object.log(DocVerb.DOC_OPEN, 3, "ref");
            object.log(DocUnref.DOC_UNREF, 2, "unref");

            final ByteBuffer b = readFile(path);
            final int entry = readyListEntry(b, "count list");
            final int slot0 = b.getInt(entry + at(LIST, "Region Offset"));
            // Positions 0 (pinned), 2, 3, 4 are kept; position 1 (the REF to 2) was dropped by the ring.
            final long delta = b.getLong(slot0 + at(SLOT, "Claimed Ref Delta"));
            assertEquals(1, (int)(delta >>> 32), "the generation the sum belongs to");
            assertEquals(2, (int)delta, "+1 +1 +1 -1: the dropped REF is still in the sum");

            final long[] first = readEvent(b, slot0, 1, 0, 1, 4, 64);
            assertEquals(DOC_FLAG_CHECKSUM | DOC_FLAG_COUNT, flags(first), "a count and no argument");
            assertEquals(1, first[5 + 2], "the Count in payload word 2");
            final long[] note = readEvent(b, slot0, 1, 2, 1, 4, 64);
            assertEquals(DOC_FLAG_CHECKSUM | DOC_FLAG_COUNT | 2, flags(note), "a count and two arguments");
            assertEquals(List.of(5L, 6L, 2L), List.of(note[5], note[6], note[7]));
            final long[] unref = readEvent(b, slot0, 1, 4, 1, 4, 64);
            assertEquals(2, unref[5 + 2]);
        }
        finally
        {
            file.close();
        }
    }

    /** The directory entry offset of the READY list named {@code name}, found as the document says. */
    private static int readyListEntry(final ByteBuffer b, final String name)
    {
        final int directory = b.getInt(at(HEADER, "List Directory Offset"));
        for (int i = 0; i < b.getInt(at(HEADER, "Max Lists")); i++)
        {
            final int entry = directory + i * DOC_LIST_ENTRY;
            if (b.getInt(entry + at(LIST, "State")) == DOC_STATE_READY &&
                name.equals(string(b, b.getInt(entry + at(LIST, "Name Id")))))
            {
                return entry;
            }
        }
        return fail("no READY list named " + name);
    }

    enum DocUnref implements Verb
    {
        DOC_UNREF;

        @Override
        public Effect effect()
        {
            return Effect.UNREF;
        }
    }

    /** The document's generation of push number {@code n}: never 0, wrapping after 2^32 - 1. */
    private static int documentedGeneration(final long n, final int window)
    {
        return (int)((n / window) % 0xFFFF_FFFFL) + 1;
    }

    @Test
    void documentedGenerationsWrapPastZero()
    {
        assertEquals(-1, documentedGeneration(0xFFFF_FFFEL, 1), "the last generation is 2^32 - 1");
        assertEquals(1, documentedGeneration(0xFFFF_FFFFL, 1), "then 1 again, never 0");
        assertEquals(ObjectSlotDescriptor.generationOf(0xFFFF_FFFEL * 3 + 5, 3),
            documentedGeneration(0xFFFF_FFFEL * 3 + 5, 3));
    }

    /** The document's header checksum: the event checksum's mix over the push's header fields. */
    private static int documentedHeaderChecksum(
        final int generation, final long pushNumber, final long address, final long pushTime, final int pid,
        final int threadId)
    {
        return documentedChecksum(new long[] {generation & 0xFFFFFFFFL, pushNumber, address, pushTime,
            (pid & 0xFFFFFFFFL) | ((long)threadId << 32)});
    }

    @Test
    void headerChecksumTestVectorIsTheDocumentedFunction()
    {
        final String expected = String.format("header checksum = 0x%08X",
            documentedHeaderChecksum(1, 0, 0xA11CEL, 123456789L, 4242, 1));
        final String flat = doc.text.replaceAll("\\s+", " ");
        assertTrue(flat.contains(expected), () -> FormatDoc.docPath +
            " must give the header test vector's result as '" + expected + "'");
        assertTrue(flat.contains("generation 1, Push Number 0, Address 0xA11CE, Push Time 123456789, Creator Pid " +
            "4242, Creator Thread Id 1"), "the header test vector's inputs in the document differ from this test's");
    }

    /** A header is the occupant's only when Header Checksum is the documented function of its fields. */
    private static void assertHeaderChecksum(final ByteBuffer b, final int slot, final int generation)
    {
        assertEquals(documentedHeaderChecksum(generation, b.getLong(slot + at(SLOT, "Push Number")),
            b.getLong(slot + at(SLOT, "Address")), b.getLong(slot + at(SLOT, "Push Time")),
            b.getInt(slot + at(SLOT, "Creator Pid")), b.getInt(slot + at(SLOT, "Creator Thread Id"))),
            b.getInt(slot + at(SLOT, "Header Checksum")), "the header checksum as the document computes it");
    }

    /** The document's seqlock read of position {@code p} of generation {@code g}: header words, then payload. */
    private static long[] readEvent(
        final ByteBuffer b, final int slot, final int g, final int p, final int pinned, final int events,
        final int entrySize)
    {
        final int record = pinned > p ? p : pinned + (p - pinned) % (events - pinned);
        final int at = slot + at(SLOT, "Event records") + record * entrySize;
        final long stamp = b.getLong(at + at(EVENT, "Stamp"));
        assertEquals(((long)g << 32) | p, stamp, "commit stamp of position " + p);
        final int payloadWords = (entrySize - at(EVENT, "Payload")) / 8;
        final long[] words = new long[5 + payloadWords];
        words[0] = stamp;
        words[1] = b.getLong(at + at(EVENT, "Timestamp"));
        words[2] = (b.getInt(at + at(EVENT, "Pid")) & 0xFFFFFFFFL) |
            ((long)b.getInt(at + at(EVENT, "Thread Id")) << 32);
        words[3] = ((b.getShort(at + at(EVENT, "Verb Id")) & 0xFFFF) |
            ((b.getShort(at + at(EVENT, "Flags")) & 0xFFFF) << 16)) & 0xFFFFFFFFL |
            ((long)b.getInt(at + at(EVENT, "Format Id")) << 32);
        words[4] = b.getInt(at + at(EVENT, "Stack Id")) & 0xFFFFFFFFL;
        for (int i = 0; i < payloadWords; i++)
        {
            words[5 + i] = b.getLong(at + at(EVENT, "Payload") + 8 * i);
        }
        assertEquals(b.getInt(at + at(EVENT, "Checksum")), documentedChecksum(words),
            "the checksum as the document computes it, position " + p);
        return words;
    }

    /** The document's checksum: mix every word into h, then fold to 32 bits. */
    private static int documentedChecksum(final long[] words)
    {
        long h = 0x9E3779B97F4A7C15L;
        for (final long v : words)
        {
            h = Long.rotateLeft((h ^ v) * 0xBF58476D1CE4E5B9L, 29);
        }
        return (int)(h ^ (h >>> 32));
    }

    private static int flags(final long[] words)
    {
        return (int)(words[3] >>> 16) & 0xFFFF;
    }

    private static int formatId(final long[] words)
    {
        return (int)(words[3] >>> 32);
    }

    private static void assertVerb(final ByteBuffer b, final long[] words, final String name, final int effect)
    {
        final int verbId = (int)words[3] & 0xFFFF;
        assertTrue(verbId >= 1 && verbId <= b.getInt(at(HEADER, "Max Verbs")), "verb id " + verbId);
        final long verbEntry = b.getLong(b.getInt(at(HEADER, "Verb Table Offset")) + (verbId - 1) * DOC_VERB_ENTRY +
            at(VERB, "Entry"));
        assertEquals(name, string(b, (int)(verbEntry >>> 8)), "verb name");
        assertEquals(effect, (int)(verbEntry & 0xFF), "effect code of " + name);
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    private static void assertThreadRegistered(final ByteBuffer b, final long pid)
    {
        final int table = b.getInt(at(HEADER, "Thread Table Offset"));
        final int registered =
            Math.min(b.getInt(at(HEADER, "Thread Table Cursor")), b.getInt(at(HEADER, "Max Threads")));
        for (int i = 0; i < registered; i++)
        {
            final int entry = table + i * DOC_THREAD_ENTRY;
            final long thread = b.getLong(entry + at(THREAD, "Thread"));
            if (b.getInt(entry + at(THREAD, "Pid")) == (int)pid && (int)thread == (int)Thread.currentThread().getId())
            {
                assertEquals(Thread.currentThread().getName(), string(b, (int)(thread >>> 32)), "Name: bits 32..63");
                return;
            }
        }
        fail("this thread is not in the thread table");
    }

    private static void assertWriterRegistered(final ByteBuffer b, final long pid)
    {
        final int registry = b.getInt(at(HEADER, "Writer Registry Offset"));
        for (int i = 0; i < b.getInt(at(HEADER, "Max Writers")); i++)
        {
            final int entry = registry + i * DOC_WRITER_ENTRY;
            if (b.getLong(entry + at(WRITER, "Pid")) == pid)
            {
                assertEquals(DOC_WRITER_ATTACHED, b.getInt(entry + at(WRITER, "State")));
                final long start = b.getLong(entry + at(WRITER, "Process Start Millis"));
                final long actual = ProcessHandle.current().info().startInstant().map(s -> s.toEpochMilli()).orElse(0L);
                assertTrue(start == 0 || actual == 0 || Math.abs(start - actual) <= 1000, "process start time");
                assertTrue(Math.abs(b.getLong(entry + at(WRITER, "Heartbeat Millis")) - System.currentTimeMillis()) <
                    60_000, "heartbeat is recent");
                return;
            }
        }
        fail("this process is not in the writer registry");
    }

    /** Wall time by the writer registry entry of {@code pid}, else the header's clock base. */
    private static long wallNanos(final ByteBuffer b, final int pid, final long monotonic)
    {
        final int registry = b.getInt(at(HEADER, "Writer Registry Offset"));
        for (int i = 0; i < b.getInt(at(HEADER, "Max Writers")); i++)
        {
            final int entry = registry + i * DOC_WRITER_ENTRY;
            if (b.getLong(entry + at(WRITER, "Pid")) == pid)
            {
                return b.getLong(entry + at(WRITER, "Clock Base Wall Nanos")) +
                    (monotonic - b.getLong(entry + at(WRITER, "Clock Base Monotonic Nanos")));
            }
        }
        return b.getLong(at(HEADER, "Clock Base Wall Nanos")) +
            (monotonic - b.getLong(at(HEADER, "Clock Base Monotonic Nanos")));
    }

    /** A string by id, checking the documented bounds, alignment and hash. */
    private static String string(final ByteBuffer b, final int id)
    {
        final int dataOffset = b.getInt(at(HEADER, "String Data Offset"));
        final int dataLength = b.getInt(at(HEADER, "String Data Length"));
        assertTrue(id >= at(STRINGS, "First Entry") && id % 8 == 0 && id + 8 <= dataLength, "string id " + id);
        final int entry = dataOffset + id;
        final int length = b.getInt(entry + at(STRINGS, "Length"));
        assertTrue(length >= 0 && id + 8L + length <= dataLength, "string length " + length);
        final byte[] utf8 = new byte[length];
        b.get(entry + at(STRINGS, "Bytes"), utf8);
        assertEquals(hashOf(utf8), b.getInt(entry + at(STRINGS, "Hash")), "the documented string hash");
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** The document's string hash: 31-polynomial over the unsigned UTF-8 bytes. */
    private static int hashOf(final byte[] utf8)
    {
        int h = 0;
        for (final byte x : utf8)
        {
            h = 31 * h + (x & 0xFF);
        }
        return h;
    }

    private static int at(final String descriptor, final String field)
    {
        final FormatDoc.Section section = doc.sections.get(descriptor);
        if (section == null)
        {
            return fail(FormatDoc.docPath + " has no section for " + descriptor);
        }
        return section.row(field).offset();
    }

    private static ByteBuffer readFile(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = ByteBuffer.allocate((int)channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0)
            {
                // read the whole file
            }
            return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static byte[] slice(final byte[] bytes, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        System.arraycopy(bytes, offset, out, 0, length);
        return out;
    }

    private static long roundUp(final long value, final int alignment)
    {
        return (value + alignment - 1) / alignment * alignment;
    }
}
