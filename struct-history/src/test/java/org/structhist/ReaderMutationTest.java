package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Invariant 8, by seeded mutation: a real file with bytes overwritten at random (in the header, the
 * tables, the slots, the records) is either refused with a HistoryFormatException or read in full,
 * with no other exception, no hang and no huge allocation. The full fuzzing campaign lives in the
 * stress-tests module; this is the quick guard that runs with every build.
 */
class ReaderMutationTest
{
    private static final int MUTANTS = 400;

    @TempDir
    Path dir;

    @Test
    void mutatedFilesAreRefusedOrReadNeverCrashTheReader() throws Exception
    {
        final Path seed = dir.resolve("seed.hist");
        final HistoryFile file = TestFiles.open(seed, 1L << 20);
        final HistoryList a = file.list("a", ListOptions.window(8).eventsPerObject(8).pinnedFirst(2));
        final HistoryList b = file.list("b", ListOptions.window(4).eventsPerObject(4).entrySize(128).stacks(true));
        for (int i = 0; i < 12; i++)
        {
            final History sh = a.push(0x1000 + i);
            for (int e = 0; e < 10; e++)
            {
                sh.log(TcpVerb.TCP_REF, "a %d %d", i, e);
            }
            b.push(0x2000 + i).log(TcpVerb.TCP_SEND2CHILD, "text %s", "τext " + i);
        }
        file.close();
        final byte[] original = Files.readAllBytes(seed);
        final int used = usedLength(seed);

        final Random random = new Random(20261122L);
        final Path mutant = dir.resolve("mutant.hist");
        int refused = 0;
        for (int m = 0; m < MUTANTS; m++)
        {
            final byte[] bytes = original.clone();
            final int writes = 1 + random.nextInt(8);
            for (int w = 0; w < writes; w++)
            {
                // Half the writes land in the header and tables, where a bad count does the most harm.
                final int at = random.nextBoolean() ? random.nextInt(64 * 1024) : random.nextInt(used);
                final int width = 1 << random.nextInt(4);
                for (int k = 0; k < width && at + k < bytes.length; k++)
                {
                    bytes[at + k] = random.nextInt(4) == 0 ? (byte)0xFF : (byte)random.nextInt(256);
                }
            }
            Files.write(mutant, bytes);
            final int mutantNumber = m;
            final boolean wasRefused = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> readEverything(mutant),
                "mutant " + mutantNumber + " hung the reader");
            refused += wasRefused ? 1 : 0;
        }
        assertTrue(refused > 0 && refused < MUTANTS, "mutants must exercise both outcomes, refused " + refused);
    }

    /** True if refused. Anything but a HistoryFormatException propagates and fails the test. */
    private static boolean readEverything(final Path path)
    {
        try
        {
            final HistoryReader reader = HistoryReader.open(path);
            reader.writers();
            for (final ListInfo list : reader.lists())
            {
                if (list.problem() != null)
                {
                    continue;
                }
                for (final Incarnation incarnation : reader.incarnations(list))
                {
                    for (final Event event : reader.events(incarnation))
                    {
                        assertNotNull(event.message());
                        assertNotNull(event.threadName());
                    }
                }
            }
            reader.incarnationsOf(0x1003);
            return false;
        }
        catch (final HistoryFormatException ex)
        {
            assertFalse(ex.getMessage().isBlank());
            return true;
        }
    }

    /** Bytes up to the end of the last list's slots: mutations past it would hit only zeros. */
    private static int usedLength(final Path path)
    {
        final HistoryReader reader = HistoryReader.open(path);
        int end = 0;
        for (final ListInfo list : reader.lists())
        {
            end = Math.max(end, list.regionOffset() + list.window() * list.slotLength());
        }
        return end;
    }
}
