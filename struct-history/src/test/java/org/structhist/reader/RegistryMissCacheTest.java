package org.structhist.reader;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.ListOptions;
import org.structhist.TestFiles;
import org.structhist.TcpVerb;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.ThreadTableDescriptor;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crafted thread table of issue 10 (a cursor at its end, every entry with pid 0, so no name is ever
 * found): looking names up for every event of a file must read each entry a bounded number of times, not
 * the whole table again per event (it made {@code shdump check} take 46 s on 16k events).
 */
class RegistryMissCacheTest
{
    private static final int LOOKUPS = 16_384;

    @TempDir
    Path dir;

    /** How many once-a-second re-reads of a full table may have happened since {@code start}. */
    private static long periodicRereads(final long start)
    {
        return 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    }

    @Test
    void missesOfACraftedThreadTableAreCachedNotRescanned() throws Exception
    {
        final Path path = dir.resolve("crafted.hist");
        final HistoryFile file = TestFiles.open(path);
        file.list("conn", ListOptions.window(4).eventsPerObject(8)).push(0xa0).log(TcpVerb.TCP_REF, "one");
        file.close();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            final UnsafeBuffer buffer = new UnsafeBuffer(mapping);
            final FileLayout layout = FileLayout.read(buffer, channel.size(), path.toString());
            buffer.putInt(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET, Integer.MAX_VALUE);
            for (int i = 0; i < layout.maxThreads; i++)
            {
                buffer.putInt(layout.threadTableOffset + i * ThreadTableDescriptor.ENTRY_LENGTH +
                    ThreadTableDescriptor.PID_OFFSET, 0);
            }
            final ProcessRegistryView registry = new ProcessRegistryView(buffer, layout,
                new StringTableView(buffer, layout));
            final long start = System.nanoTime();
            for (int i = 0; i < LOOKUPS; i++)
            {
                assertEquals("thread-" + (i % 97), registry.threadName(4242, i % 97));
            }
            // The table read once; a reader may also read a full table again at most once a second (entries
            // reused by new threads): that allowance is work per second, never per lookup.
            final long once = layout.maxThreads * (1 + periodicRereads(start));
            assertTrue(registry.threadEntriesRead() <= once, () -> registry.threadEntriesRead() +
                " thread entries read for " + LOOKUPS + " lookups in a table of " + layout.maxThreads);
            // A live file's reader refreshes between polls: each refresh may read the pending entries once more.
            registry.refresh();
            for (int i = 0; i < LOOKUPS; i++)
            {
                registry.threadName(4242, i % 97);
            }
            final long twice = layout.maxThreads * (2 + periodicRereads(start));
            assertTrue(registry.threadEntriesRead() <= twice, () -> registry.threadEntriesRead() +
                " thread entries read after one refresh, table of " + layout.maxThreads);
        }
    }
}
