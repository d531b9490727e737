package org.structhist;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.internal.MappedFile;
import org.structhist.internal.MappedFiles;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;
import org.structhist.reader.WriterInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HistoryFileTest
{
    @TempDir
    Path dir;

    private final List<HistoryFile> opened = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        opened.forEach(HistoryFile::close);
    }

    private HistoryFile open(final Path path, final FileOptions options)
    {
        final HistoryFile file = HistoryFile.open(path, options);
        opened.add(file);
        return file;
    }

    @Test
    void createsAnOwnerOnlyFileOfTheRequestedSize() throws Exception
    {
        final Path path = dir.resolve("h.hist");
        final HistoryFile file = open(path, FileOptions.defaults().sizeBytes(3L << 20));

        assertTrue(file.isEnabled());
        assertEquals(path.toAbsolutePath(), file.path());
        assertEquals(3L << 20, Files.size(path));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    @Test
    void roundsTheSizeDownToWholePages() throws Exception
    {
        final Path path = dir.resolve("odd.hist");
        open(path, FileOptions.defaults().sizeBytes((1L << 20) + 123));
        assertEquals(1L << 20, Files.size(path));
    }

    @Test
    void allocatesEveryBlockAtCreation() throws Exception
    {
        final Path path = dir.resolve("dense.hist");
        open(path, FileOptions.defaults().sizeBytes(4L << 20));
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", path.toString()).start();
        final String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, stat.waitFor());
        final long allocated = Long.parseLong(out[0]) * Long.parseLong(out[1]);
        assertTrue(allocated >= 4L << 20, "a sparse file would fault (SIGBUS) later on a full tmpfs: " + allocated);
    }

    @Test
    void opensTheSameInstanceForTheSamePathInOneProcess()
    {
        final Path path = dir.resolve("same.hist");
        final HistoryFile a = open(path, FileOptions.defaults().sizeBytes(1L << 20));
        final HistoryFile b = open(dir.resolve(".").resolve("same.hist"), FileOptions.defaults().sizeBytes(1L << 20));
        assertSame(a, b);
    }

    @Test
    void aSecondMappingAttachesAndSeesTheFirstOnesLists()
    {
        final Path path = dir.resolve("attach.hist");
        final HistoryFile file = open(path, FileOptions.defaults().sizeBytes(1L << 20));
        file.list("conns", ListOptions.window(8));

        final MappedFile attached = MappedFiles.createOrAttach(path, FileOptions.defaults().sizeBytes(2L << 20));
        assertFalse(attached.created, "the file existed: the second opener must attach, not create");
        assertEquals(1L << 20, attached.layout.fileLength, "an attacher takes the file's own size");

        final HistoryReader reader = HistoryReader.open(path);
        assertEquals(List.of("conns"), reader.lists().stream().map(ListInfo::name).toList());
    }

    @Test
    void registersThisProcessAsAWriterAndMarksItDetachedOnClose()
    {
        final Path path = dir.resolve("writers.hist");
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(1L << 20));
        final WriterInfo before = HistoryReader.open(path).writers().get(0);
        assertEquals(ProcessHandle.current().pid(), before.pid());
        assertTrue(before.alive());
        assertFalse(before.detached());
        assertTrue(Math.abs(before.heartbeatMillis() - System.currentTimeMillis()) < 60_000);

        file.close();
        final List<WriterInfo> after = HistoryReader.open(path).writers();
        assertEquals(1, after.size());
        assertTrue(after.get(0).detached());

        final HistoryFile reopened = open(path, FileOptions.defaults());
        assertNotSame(file, reopened, "a closed file is not handed out again");
        assertEquals(1, HistoryReader.open(path).writers().size(), "a process reuses its own registry entry");
    }

    @Test
    void refusesAFileThatIsNotAHistoryFile() throws Exception
    {
        final Path path = dir.resolve("text.hist");
        Files.writeString(path, "hello ".repeat(2000));
        final HistoryFormatException ex = assertThrows(HistoryFormatException.class,
            () -> open(path, FileOptions.defaults().attachTimeoutMillis(100)));
        assertTrue(ex.getMessage().contains("not a history file"), ex.getMessage());
    }

    @Test
    void givesUpOnAFileWhoseCreatorNeverFinished() throws Exception
    {
        final Path path = dir.resolve("half.hist");
        final ByteBuffer header =
            ByteBuffer.allocate(FileHeaderDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(FileHeaderDescriptor.MAGIC_OFFSET, FileHeaderDescriptor.MAGIC);
        header.putLong(FileHeaderDescriptor.CREATOR_PID_OFFSET, Integer.MAX_VALUE - 7); // no such process
        Files.write(path, header.array());

        final long start = System.nanoTime();
        final HistoryFormatException ex = assertThrows(HistoryFormatException.class,
            () -> open(path, FileOptions.defaults().attachTimeoutMillis(200)));
        assertTrue(ex.getMessage().contains("still not initialised"), ex.getMessage());
        assertTrue(ex.getMessage().contains("died"), ex.getMessage());
        assertTrue(System.nanoTime() - start >= 200_000_000L, "it waits the timeout for the creator");
    }

    @Test
    void refusesANewerFormatVersionInOneSentence()
    {
        final Path path = dir.resolve("newer.hist");
        final HistoryFile file = open(path, FileOptions.defaults().sizeBytes(1L << 20));
        file.mapped().buffer.putInt(FileHeaderDescriptor.FORMAT_VERSION_OFFSET,
            FileHeaderDescriptor.FORMAT_VERSION + 1);

        final HistoryFormatException ex = assertThrows(HistoryFormatException.class,
            () -> MappedFiles.createOrAttach(path, FileOptions.defaults()));
        assertTrue(ex.getMessage().contains("format version " + (FileHeaderDescriptor.FORMAT_VERSION + 1) + ", newer"),
            ex.getMessage());
    }

    @Test
    void failsClearlyWhenTheDirectoryIsMissing()
    {
        final Path path = dir.resolve("no/such/dir/h.hist");
        final StructHistoryException ex = assertThrows(StructHistoryException.class,
            () -> open(path, FileOptions.defaults()));
        assertTrue(ex.getMessage().contains("does not exist"), ex.getMessage());
    }

    @Test
    void refusesAFileTooSmallForItsTables()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> open(dir.resolve("tiny.hist"), FileOptions.defaults().sizeBytes(64 * 1024)));
        assertTrue(ex.getMessage().contains("no room left for lists"), ex.getMessage());
    }

    @Test
    void keepsListOptionsFixedOnceCreated()
    {
        final HistoryFile file = open(dir.resolve("opts.hist"), FileOptions.defaults().sizeBytes(2L << 20));
        final HistoryList first = file.list("TCP con", ListOptions.window(16).eventsPerObject(8));
        assertSame(first, file.list("TCP con", ListOptions.window(16).eventsPerObject(8)));

        final StructHistoryException ex = assertThrows(StructHistoryException.class,
            () -> file.list("TCP con", ListOptions.window(32).eventsPerObject(8)));
        assertTrue(ex.getMessage().contains("window=16"), ex.getMessage());
        assertTrue(ex.getMessage().contains("window=32"), ex.getMessage());
    }

    @Test
    void anotherProcessAttachingWithOtherListOptionsIsRefusedNamingBoth()
    {
        final Path path = dir.resolve("opts2.hist");
        final HistoryFile file = open(path, FileOptions.defaults().sizeBytes(2L << 20));
        file.list("dialogs", ListOptions.window(16).entrySize(128));

        // What another process sees: the same file through a fresh HistoryFile-less attach.
        final MappedFile other = MappedFiles.createOrAttach(path, FileOptions.defaults());
        final org.structhist.internal.StringInterner strings =
            new org.structhist.internal.StringInterner(other.buffer, other.layout);
        final org.structhist.internal.ListDirectory directory =
            new org.structhist.internal.ListDirectory(other.buffer, other.layout, strings, path.toString());
        final org.structhist.internal.ListDirectory.Entry entry =
            directory.findOrCreate("dialogs", 16, 64, 8, 64, ListOptions.defaults().flags(), 0);
        assertFalse(entry.created, "the same name must find the existing entry");
        assertEquals(128, entry.entrySize, "and report the options it was created with");
    }

    @Test
    void givesEachListItsOwnIndexAndRegion()
    {
        final HistoryFile file = open(dir.resolve("many.hist"), FileOptions.defaults().sizeBytes(2L << 20));
        final HistoryList a = file.list("a", ListOptions.window(4));
        final HistoryList b = file.list("b", ListOptions.window(4));
        assertNotEquals(a.index(), b.index());
        final long ha = a.pushHandle(1);
        final long hb = b.pushHandle(1);
        assertTrue(a.owns(ha) && !a.owns(hb) && b.owns(hb) && !b.owns(ha));
    }

    @Test
    void failsClearlyWhenAListDoesNotFit()
    {
        final HistoryFile file = open(dir.resolve("full.hist"), FileOptions.defaults().sizeBytes(2L << 20));
        final StructHistoryException ex = assertThrows(StructHistoryException.class,
            () -> file.list("huge", ListOptions.window(100_000).eventsPerObject(64)));
        assertTrue(ex.getMessage().contains("no room"), ex.getMessage());
        assertTrue(ex.getMessage().contains("huge"), ex.getMessage());
        // The failed attempt must not leak its directory entry or region: a list that fits still works.
        file.list("small", ListOptions.window(4)).push(1).log(TcpVerb.TCP_REF, "ok");
    }

    @Test
    void failsClearlyWhenAllListsAreTaken()
    {
        final HistoryFile file =
            open(dir.resolve("lists.hist"), FileOptions.defaults().sizeBytes(2L << 20).maxLists(2));
        file.list("one", ListOptions.window(2));
        file.list("two", ListOptions.window(2));
        final StructHistoryException ex = assertThrows(StructHistoryException.class,
            () -> file.list("three", ListOptions.window(2)));
        assertTrue(ex.getMessage().contains("all 2 lists are in use"), ex.getMessage());
    }

    @Test
    void defaultPathFollowsThePropertyThenShm()
    {
        final String before = System.getProperty(HistoryFile.FILE_PROPERTY);
        try
        {
            System.setProperty(HistoryFile.FILE_PROPERTY, dir.resolve("p.hist").toString());
            assertEquals(dir.resolve("p.hist"), HistoryFile.defaultPath());
            System.clearProperty(HistoryFile.FILE_PROPERTY);
            if (System.getenv(HistoryFile.FILE_ENV) == null && Files.isDirectory(Path.of("/dev/shm")))
            {
                assertTrue(HistoryFile.defaultPath().startsWith("/dev/shm"), HistoryFile.defaultPath().toString());
            }
        }
        finally
        {
            if (before != null)
            {
                System.setProperty(HistoryFile.FILE_PROPERTY, before);
            }
        }
    }

    @Test
    void parsesSizes()
    {
        assertEquals(1024, FileOptions.parseSize("1k", "x"));
        assertEquals(128L << 20, FileOptions.parseSize(" 128M ", "x"));
        assertEquals(1L << 30, FileOptions.parseSize("1g", "x"));
        assertEquals(4096, FileOptions.parseSize("4096", "x"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> FileOptions.parseSize("lots", "structhist.file.size"));
        assertTrue(ex.getMessage().contains("structhist.file.size"), ex.getMessage());
    }

    @Test
    void validatesOptions()
    {
        assertThrows(IllegalArgumentException.class, () -> ListOptions.window(0));
        assertThrows(IllegalArgumentException.class, () -> ListOptions.window(4).eventsPerObject(1));
        assertThrows(IllegalArgumentException.class, () -> ListOptions.window(4).eventsPerObject(8).pinnedFirst(8));
        assertThrows(IllegalArgumentException.class, () -> ListOptions.window(4).entrySize(96));
        assertThrows(IllegalArgumentException.class, () -> ListOptions.window(4).entrySize(32));
        assertThrows(IllegalArgumentException.class, () -> FileOptions.defaults().sizeBytes(1000));
        assertThrows(IllegalArgumentException.class, () -> FileOptions.defaults().stringIndexCapacity(1000));
        assertThrows(IllegalArgumentException.class, () -> FileOptions.defaults().maxLists(256));
        assertEquals(3, ListOptions.window(4).pinnedFirst(3).eventsPerObject(4).pinnedFirst(),
            "pinned first events stay below events per object");
        assertEquals(3, ListOptions.window(4).eventsPerObject(4).pinnedFirst(),
            "shrinking events per object lowers the pinned count to leave a ring");
    }

    @Test
    void refusesToWriteIntoACorruptListEntry()
    {
        final Path path = dir.resolve("corrupt-list.hist");
        final HistoryFile file = open(path, FileOptions.defaults().sizeBytes(2L << 20));
        final HistoryList list = file.list("conns", ListOptions.window(8));
        final org.agrona.concurrent.UnsafeBuffer buffer = file.mapped().buffer;
        final int entry = org.structhist.format.ListDescriptor.entryOffset(file.mapped().layout.listDirectoryOffset,
            list.index());
        buffer.putInt(entry + org.structhist.format.ListDescriptor.REGION_OFFSET_OFFSET, Integer.MAX_VALUE - 64);

        // Another process attaching now must refuse the list, not scribble outside the file.
        final MappedFile other = MappedFiles.createOrAttach(path, FileOptions.defaults());
        final org.structhist.internal.ListDirectory directory = new org.structhist.internal.ListDirectory(
            other.buffer, other.layout, new org.structhist.internal.StringInterner(other.buffer, other.layout),
            path.toString());
        final StructHistoryException ex = assertThrows(StructHistoryException.class,
            () -> directory.findOrCreate("conns", 8, 64, 8, 64, ListOptions.defaults().flags(), 0));
        assertTrue(ex.getMessage().contains("is corrupt"), ex.getMessage());
    }
}
