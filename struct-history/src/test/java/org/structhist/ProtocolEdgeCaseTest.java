package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.ListDescriptor;
import org.structhist.format.ObjectSlotDescriptor;
import org.structhist.internal.ListDirectory;
import org.structhist.internal.MappedFile;
import org.structhist.internal.MappedFiles;
import org.structhist.internal.StringInterner;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.MessageFormatter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The corners of the protocols: wrap-around, dead claimers, racing pushes, full tables, hostile formats. */
class ProtocolEdgeCaseTest
{
    /** No process has this pid: Linux pid_max is at most 2^22. */
    private static final int DEAD_PID = Integer.MAX_VALUE - 7;

    @TempDir
    Path dir;

    private HistoryFile file;

    @AfterEach
    void close()
    {
        if (file != null)
        {
            file.close();
        }
    }

    private int listEntry(final HistoryList list)
    {
        return ListDescriptor.entryOffset(file.mapped().layout.listDirectoryOffset, list.index());
    }

    @Test
    void aSlotKeepsRecordingWhenItsGenerationWrapsRound()
    {
        final Path path = dir.resolve("wrap.hist");
        file = TestFiles.open(path, 1L << 20);
        final HistoryList list = file.list("wrap", ListOptions.window(1).eventsPerObject(4));
        final UnsafeBuffer buffer = file.mapped().buffer;
        // Push number 2^32 - 3 has generation 2^32 - 2; the pushes after it wrap the 32-bit generation.
        buffer.putLongVolatile(listEntry(list) + ListDescriptor.PUSH_CURSOR_OFFSET, (1L << 32) - 3);
        for (long address = 1; address <= 4; address++)
        {
            list.push(address).log(TcpVerb.TCP_REF, "object %d", address);
        }
        final HistoryReader reader = HistoryReader.open(path);
        final Incarnation last = reader.incarnationsOf(4).get(0);
        assertTrue(last.headerValid());
        assertEquals((1L << 32), last.pushNumber());
        assertEquals(List.of("object 4"), reader.events(last).stream().map(Event::message).toList());
        assertEquals(0, reader.list("wrap").orElseThrow().staleEventsDropped(), "no push was born stale");
    }

    @Test
    void aListWhoseCreatorDiedMidwayIsTakenOver()
    {
        final Path path = dir.resolve("dead-claimer.hist");
        file = TestFiles.open(path, 2L << 20);
        final UnsafeBuffer buffer = file.mapped().buffer;
        final int entry0 = ListDescriptor.entryOffset(file.mapped().layout.listDirectoryOffset, 0);
        buffer.putIntVolatile(entry0 + ListDescriptor.STATE_OFFSET, ListDescriptor.initialisingBy(DEAD_PID));

        final long start = System.nanoTime();
        final HistoryList list = file.list("conns", ListOptions.window(4));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "taken over at once, not after a timeout");
        assertEquals(0, list.index(), "the dead claimer's entry is reused");
        list.push(1).log(TcpVerb.TCP_REF, "works");
        assertEquals("works", HistoryReader.open(path).events(HistoryReader.open(path).incarnationsOf(1).get(0))
            .get(0).message());
    }

    @Test
    void aHeaderMixedFromTwoRacingPushesIsNotTrusted()
    {
        final Path path = dir.resolve("mixed.hist");
        file = TestFiles.open(path, 1L << 20);
        final HistoryList list = file.list("race", ListOptions.window(2));
        list.push(0xAAAA);
        final UnsafeBuffer buffer = file.mapped().buffer;
        final HistoryReader reader = HistoryReader.open(path);
        final Incarnation incarnation = reader.incarnationsOf(0xAAAA).get(0);
        final int slot = incarnation.list().regionOffset() + incarnation.slot() * incarnation.list().slotLength();
        // What a stalled earlier push writing late would leave: its address beside this push's fields.
        buffer.putLong(slot + ObjectSlotDescriptor.ADDRESS_OFFSET, 0xBBBB);

        final HistoryReader again = HistoryReader.open(path);
        assertTrue(again.incarnationsOf(0xBBBB).isEmpty(), "a mixed header must not name another object");
        final Incarnation mixed = again.incarnations(again.list("race").orElseThrow()).get(0);
        assertFalse(mixed.headerValid());
    }

    @Test
    void aStalledPushNeverMovesTheHeaderGenerationBack()
    {
        final Path path = dir.resolve("forward.hist");
        file = TestFiles.open(path, 1L << 20);
        final HistoryList list = file.list("fwd", ListOptions.window(1));
        list.push(1);
        list.push(2);
        final UnsafeBuffer buffer = file.mapped().buffer;
        final int slot = HistoryReader.open(path).incarnationsOf(2).get(0).list().regionOffset();
        final int published = buffer.getIntVolatile(slot + ObjectSlotDescriptor.HEADER_GENERATION_OFFSET);
        assertEquals(2, published);
        // Push #0 resuming now would find the slot taken: its handle is stale and it publishes nothing.
        list.log(HistoryList.class.cast(list).pushHandle(3) - 2, TcpVerb.TCP_REF, "stale");
        assertEquals(List.of(3L), HistoryReader.open(path).incarnations(
            HistoryReader.open(path).list("fwd").orElseThrow()).stream().map(Incarnation::address).toList());
    }

    @Test
    void aFullStringTableStopsItsCursorInsteadOfWrapping()
    {
        final Path path = dir.resolve("cursor.hist");
        file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20).stringDataBytes(4096));
        final StringInterner strings = new StringInterner(file.mapped().buffer, file.mapped().layout);
        int lost = 0;
        for (int i = 0; i < 2000; i++)
        {
            lost += strings.intern("string number " + i) == 0 ? 1 : 0;
        }
        assertTrue(lost > 0);
        final int cursor = file.mapped().buffer.getIntVolatile(FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET);
        assertTrue(cursor <= 4096, "the cursor stays inside the table: " + cursor);
        final int id = strings.intern("string number 0");
        assertEquals("string number 0", HistoryReader.open(path).string(id), "earlier strings are intact");
    }

    @Test
    void aFullThreadTableOfLiveThreadsLeavesNewThreadsUnnamedNotOverwritten() throws Exception
    {
        final Path path = dir.resolve("threads.hist");
        file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20).maxThreads(2));
        final HistoryList list = file.list("t", ListOptions.window(8));
        final History sh = list.push(1);
        final java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch logged = new java.util.concurrent.CountDownLatch(4);
        final List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            // Each stays alive after logging: an entry is only taken over once its thread has ended.
            final Thread thread = new Thread(() ->
            {
                sh.log(TcpVerb.TCP_REF, "hi");
                logged.countDown();
                try
                {
                    end.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "named-" + t);
            threads.add(thread);
            thread.start();
            while (logged.getCount() > 3 - t)
            {
                Thread.onSpinWait();
            }
        }
        end.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final HistoryReader reader = HistoryReader.open(path);
        final List<String> names = reader.events(reader.incarnationsOf(1).get(0)).stream()
            .map(Event::threadName).toList();
        assertEquals("named-0", names.get(0));
        assertEquals("named-1", names.get(1));
        assertTrue(names.get(2).startsWith("thread-"), names.toString());
        assertEquals(2, reader.threadsNotRegistered());
        assertEquals(2, file.mapped().buffer.getIntVolatile(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET));
    }

    @Test
    void aCreatorKilledMidwayLeavesNoHalfMadeFileAndItsLeftoverIsRemoved() throws Exception
    {
        final Path path = dir.resolve("atomic.hist");
        // What a creator killed while filling leaves behind: a temporary, never the file itself.
        final Path leftover = dir.resolve("atomic.hist.creating-" + DEAD_PID + "-1");
        Files.write(leftover, new byte[4096]);
        final Path live = dir.resolve("atomic.hist.creating-" + ProcessHandle.current().pid() + "-1");
        Files.write(live, new byte[4096]);

        file = TestFiles.open(path, 1L << 20);
        assertTrue(Files.exists(path));
        assertFalse(Files.exists(leftover), "a dead creator's temporary is removed");
        assertTrue(Files.exists(live), "a live creator's temporary is left alone");
        try (var files = Files.list(dir))
        {
            assertEquals(2, files.count(), "the new file and the live temporary; no temporary of our own left");
        }
        final MappedFile attached = MappedFiles.createOrAttach(path, FileOptions.defaults());
        assertFalse(attached.created);
    }

    @Test
    void hostileFormatWidthsAreNotApplied()
    {
        assertEquals("%1000000000d [5]", MessageFormatter.format("%1000000000d", new long[] {5}, null));
        assertEquals("%.99999d [5]", MessageFormatter.format("%.99999d", new long[] {5}, null));
        assertEquals("    5", MessageFormatter.format("%5d", new long[] {5}, null));
        assertEquals("x=ff y=-1", MessageFormatter.format("x=%x y=%d", new long[] {255, -1}, null));
        assertEquals("%q [1]", MessageFormatter.format("%q", new long[] {1}, null), "a bad specifier never fails");
        assertEquals("no args [1, 2]", MessageFormatter.format("no args", new long[] {1, 2}, null));
        assertEquals("text", MessageFormatter.format("%s", new long[0], "text"));
    }

    @Test
    void aListEntryReportedInitialisingByALiveProcessIsWaitedFor()
    {
        final Path path = dir.resolve("live-claimer.hist");
        file = TestFiles.open(path, 2L << 20);
        final MappedFile mapped = file.mapped();
        final int entry0 = ListDescriptor.entryOffset(mapped.layout.listDirectoryOffset, 0);
        // Our own pid stands in for a live claimer in another process: the entry must not be stolen.
        final long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        mapped.buffer.putIntVolatile(entry0 + ListDescriptor.STATE_OFFSET, ListDescriptor.initialisingBy(parent));
        final Thread finisher = new Thread(() ->
        {
            try
            {
                Thread.sleep(300);
            }
            catch (final InterruptedException ignore)
            {
                return;
            }
            mapped.buffer.putIntVolatile(entry0 + ListDescriptor.STATE_OFFSET, ListDescriptor.STATE_FREE);
        });
        finisher.start();
        final long start = System.nanoTime();
        final ListDirectory directory = new ListDirectory(mapped.buffer, mapped.layout,
            new StringInterner(mapped.buffer, mapped.layout), path.toString());
        final ListDirectory.Entry entry = directory.findOrCreate("x", 4, 8, 2, 64, ListOptions.defaults().flags(), 0);
        assertTrue(System.nanoTime() - start >= 250_000_000L, "it waited for the live claimer");
        assertEquals(0, entry.index, "and took the entry once the claimer gave it up");
    }
}
