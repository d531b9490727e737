package org.structhist.stress.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.format.FileLayout;
import org.structhist.format.ListDescriptor;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;
import org.structhist.stress.StressVerb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * What the jcstress tests of one fork share: history files in a temporary directory under /dev/shm,
 * made once per JVM. jcstress keeps up to {@code strideSize x strideCount} (256 x 40 = 10240 by default)
 * states alive at once and makes new ones all the time, so a file per state would be far too slow.
 * Instead:
 * <ul>
 * <li>tests that need one fresh object push it, in the state's constructor, onto a list whose window
 * ({@link #WINDOW}) is three times the most states alive at once, so a state's slot is not pushed again
 * before its arbiter has run. The slot has held earlier incarnations (the lists are filled once at start),
 * so old records sit in it, as in a long-running process;</li>
 * <li>tests that need a slot wrapped under them take a whole list of window 1 (a "lane") from a pool and
 * give it back in their arbiter: a file holds at most 255 lists, so the lanes are spread over
 * {@link #LANE_FILES} files;</li>
 * <li>tests of the string table, the writer registry and the list directory take a 2 KiB "slice" of a
 * mapped file, laid out as a miniature history file (header cursors, two list entries, two writer
 * entries, a 16-slot string index, 512 bytes of strings), zeroed when taken and given back by the arbiter.</li>
 * </ul>
 * Each group is made on first use (holder classes), so a fork makes only what its test needs. The
 * allocator tests' stacks and heaps ({@link AllocFixture}) live in the same directory.
 */
public final class Fixture
{
    /** Most jcstress states alive at once with the default stride settings, tripled. */
    static final int WINDOW = Integer.getInteger("structhist.stress.window", 32768);
    static final int LANE_FILES = Integer.getInteger("structhist.stress.laneFiles", 48);
    static final int LANES_PER_FILE = ListDescriptor.MAX_LISTS;
    static final int SLICES = Integer.getInteger("structhist.stress.slices", 3 * 12288);
    static final int SLICE_BYTES = 2048;

    static final String THREE_ARGS = "a %d b %d c %d";
    static final String OLD_FORMAT = "old a %d b %d c %d";

    private static final Path DIR = makeDirectory();

    private Fixture()
    {
    }

    /** This fork's directory: the allocator tests ({@link AllocFixture}) keep their files here too. */
    static Path directory()
    {
        return DIR;
    }

    /** A directory of this fork under /dev/shm (else java.io.tmpdir), removed when the fork exits. */
    private static Path makeDirectory()
    {
        final Path shm = Paths.get("/dev/shm");
        final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm :
            Paths.get(System.getProperty("java.io.tmpdir"));
        removeLeftovers(parent);
        try
        {
            final Path dir = Files.createTempDirectory(parent,
                "structhist-jcstress-" + ProcessHandle.current().pid() + "-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "structhist-jcstress-cleanup"));
            return dir;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Directories of forks that were killed before their shutdown hook ran: named by a dead pid. */
    private static void removeLeftovers(final Path parent)
    {
        try (Stream<Path> entries = Files.list(parent))
        {
            entries.filter(p -> p.getFileName().toString().startsWith("structhist-jcstress-")).forEach(p ->
            {
                final String[] parts = p.getFileName().toString().split("-");
                try
                {
                    final long pid = Long.parseLong(parts[2]);
                    if (ProcessHandle.of(pid).isEmpty())
                    {
                        deleteTree(p);
                    }
                }
                catch (final RuntimeException ignore)
                {
                    // Not one of ours after all: leave it.
                }
            });
        }
        catch (final IOException ignore)
        {
            // Cleaning up is best effort.
        }
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ignore)
        {
            // Best effort at exit.
        }
    }

    static UnsafeBuffer mapReadOnly(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return new UnsafeBuffer(mapping);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The main file: lists of {@link #WINDOW} slots for the tests that need a fresh object per state. */
    static final class Main
    {
        static final Path PATH = DIR.resolve("main.hist");
        static final HistoryFile FILE = HistoryFile.open(PATH, FileOptions.defaults().sizeBytes(64L << 20));
        /** Two events per state: four records, no pinning, so nothing is ever dropped. */
        static final HistoryList CLAIMS = FILE.list("claims", ListOptions.window(WINDOW).eventsPerObject(4));
        /** Two records per object, filled with an earlier incarnation's events before any test runs. */
        static final HistoryList READS = FILE.list("reads", ListOptions.window(WINDOW).eventsPerObject(2));
        private static final ThreadLocal<HistoryReader> READER =
            ThreadLocal.withInitial(() -> HistoryReader.open(PATH));

        static
        {
            for (int i = 0; i < WINDOW; i++)
            {
                final long handle = READS.pushHandle(-1 - i);
                READS.log(handle, StressVerb.OLD, OLD_FORMAT, -1 - i, i, -i);
                READS.log(handle, StressVerb.OLD, OLD_FORMAT, -2 - i, i, -i);
            }
        }

        private Main()
        {
        }

        /** A reader of the main file for the calling thread (readers cache strings: not thread-safe). */
        static HistoryReader reader()
        {
            return READER.get();
        }
    }

    /** A list of window 1 that one jcstress state has to itself until its arbiter gives it back. */
    static final class Lane
    {
        final int file;
        final HistoryList list;
        final ListInfo info;
        final int listEntryOffset;

        Lane(final int file, final HistoryList list, final ListInfo info, final int listEntryOffset)
        {
            this.file = file;
            this.list = list;
            this.info = info;
            this.listEntryOffset = listEntryOffset;
        }

        /** The list's Stale Events Dropped counter, read from the file. */
        long staleEventsDropped()
        {
            return Lanes.RAW[file].getLongVolatile(listEntryOffset + ListDescriptor.STALE_EVENTS_DROPPED_OFFSET);
        }

        HistoryReader reader()
        {
            return Lanes.READERS.get()[file];
        }
    }

    static final class Lanes
    {
        static final ListOptions OPTIONS = ListOptions.window(1).eventsPerObject(2);
        static final Path[] PATHS = new Path[LANE_FILES];
        static final UnsafeBuffer[] RAW = new UnsafeBuffer[LANE_FILES];
        private static final ConcurrentLinkedQueue<Lane> FREE = new ConcurrentLinkedQueue<>();
        private static final ThreadLocal<HistoryReader[]> READERS = ThreadLocal.withInitial(() ->
        {
            final HistoryReader[] readers = new HistoryReader[LANE_FILES];
            for (int f = 0; f < LANE_FILES; f++)
            {
                readers[f] = HistoryReader.open(PATHS[f]);
            }
            return readers;
        });

        static
        {
            final FileOptions options = FileOptions.defaults().sizeBytes(192 * 1024).maxLists(LANES_PER_FILE)
                .maxWriters(4).maxThreads(256).maxVerbs(16).stringIndexCapacity(1024).stringDataBytes(16 * 1024);
            for (int f = 0; f < LANE_FILES; f++)
            {
                PATHS[f] = DIR.resolve("lanes-" + f + ".hist");
                final HistoryFile file = HistoryFile.open(PATHS[f], options);
                final HistoryList[] lists = new HistoryList[LANES_PER_FILE];
                for (int l = 0; l < LANES_PER_FILE; l++)
                {
                    lists[l] = file.list("lane " + l, OPTIONS);
                    // One incarnation with an event from the start: every lane's slot has a previous occupant.
                    lists[l].log(lists[l].pushHandle(0), StressVerb.OLD, "lane %d", l);
                }
                RAW[f] = mapReadOnly(PATHS[f]);
                final HistoryReader reader = HistoryReader.open(PATHS[f]);
                final FileLayout layout = reader.layout();
                for (final ListInfo info : reader.lists())
                {
                    FREE.add(new Lane(f, lists[info.index()], info,
                        ListDescriptor.entryOffset(layout.listDirectoryOffset, info.index())));
                }
            }
        }

        private Lanes()
        {
        }

        static Lane take()
        {
            final Lane lane = FREE.poll();
            if (lane == null)
            {
                throw new IllegalStateException("all " + LANE_FILES * LANES_PER_FILE +
                    " lanes are taken: more jcstress " +
                    "states are alive at once than -Dstructhist.stress.laneFiles x 255 (raise it, " +
                    "or lower -strideCount)");
            }
            return lane;
        }

        static void give(final Lane lane)
        {
            FREE.add(lane);
        }
    }

    /**
     * A miniature history file of {@link #SLICE_BYTES} bytes: header cursors where a file has them, then
     * two list entries, two writer entries, one thread and one verb entry, a 16-slot string index, 512 bytes
     * of string data and a data region with room for eight window-1 lists of two records.
     */
    static final class Slice
    {
        final UnsafeBuffer buffer;

        Slice(final UnsafeBuffer buffer)
        {
            this.buffer = buffer;
        }

        /** Zeroes the slice and sets the cursors a new file starts with. */
        Slice reset()
        {
            buffer.setMemory(0, SLICE_BYTES, (byte)0);
            buffer.putInt(org.structhist.format.FileHeaderDescriptor.DATA_REGION_CURSOR_OFFSET,
                Slices.LAYOUT.dataRegionOffset);
            buffer.putInt(org.structhist.format.FileHeaderDescriptor.STRING_DATA_CURSOR_OFFSET,
                org.structhist.format.StringTableDescriptor.FIRST_ENTRY_OFFSET);
            return this;
        }
    }

    static final class Slices
    {
        static final FileLayout LAYOUT = compactLayout();
        private static final ConcurrentLinkedQueue<Slice> FREE = new ConcurrentLinkedQueue<>();

        static
        {
            final Path path = DIR.resolve("slices.bin");
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final long size = (long)SLICES * SLICE_BYTES;
                final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
                final UnsafeBuffer all = new UnsafeBuffer(mapping);
                for (int i = 0; i < SLICES; i++)
                {
                    FREE.add(new Slice(new UnsafeBuffer(all, i * SLICE_BYTES, SLICE_BYTES)));
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private Slices()
        {
        }

        static Slice take()
        {
            final Slice slice = FREE.poll();
            if (slice == null)
            {
                throw new IllegalStateException("all " + SLICES + " slices are taken: more jcstress states are alive " +
                    "at once than -Dstructhist.stress.slices");
            }
            return slice.reset();
        }

        static void give(final Slice slice)
        {
            FREE.add(slice);
        }

        /**
         * FileLayout's constructor is private: {@link FileLayout#plan} puts every table after a 4 KiB header
         * and the data region on a page boundary, 12 KiB at least, where these tests need 2 KiB. The offsets
         * here follow the same rules (8-byte alignment, the header's cursors where a file has them).
         */
        private static FileLayout compactLayout()
        {
            try
            {
                final Constructor<FileLayout> constructor = FileLayout.class.getDeclaredConstructor(long.class,
                    int.class, int.class, int.class, int.class, int.class, int.class, int.class, int.class,
                    int.class, int.class, int.class, int.class, int.class, int.class);
                constructor.setAccessible(true);
                return constructor.newInstance((long)SLICE_BYTES,
                    160, 2,          // list directory: 2 x 128
                    416, 2,          // writer registry: 2 x 64
                    544, 1,          // thread table: 1 x 16
                    560, 1,          // verb table: 1 x 8
                    568, 16,         // string index: 16 x 4
                    632, 512,        // string data
                    1152, SLICE_BYTES - 1152);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("FileLayout's constructor changed: update Fixture.compactLayout", ex);
            }
        }
    }
}
