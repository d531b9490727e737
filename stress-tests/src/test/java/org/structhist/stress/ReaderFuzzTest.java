package org.structhist.stress;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.structhist.stress.fuzz.Choices;
import org.structhist.stress.fuzz.ReaderFuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of HistoryReader and shdump with Jazzer (see {@link ReaderFuzz} for what a
 * finding is). Jazzer's input does not hold a file: it drives the mutation of a real one (which region,
 * which offset, which value), so libFuzzer's small inputs still reach every part of a 64 KiB file, and
 * its coverage feedback keeps the mutations that reach new reader code.
 * <p>
 * The module's surefire configuration sets {@code JAZZER_FUZZ=1} (fuzzing mode; without it Jazzer only
 * replays its seeds) and the time, {@code -Dstructhist.stress.fuzz.seconds} (default 120), through
 * {@code jazzer.max_duration}.
 */
class ReaderFuzzTest
{
    private static ReaderFuzz fuzz;
    private static Path dir;
    private static long started;

    @FuzzTest(maxDuration = "2m")
    void readerAndShdumpSurviveMutatedFiles(final FuzzedDataProvider data)
    {
        target().execute(new Choices()
        {
            @Override
            public int pick(final int min, final int max)
            {
                return data.consumeInt(min, max);
            }

            @Override
            public long anyLong()
            {
                return data.consumeLong();
            }
        });
    }

    private static ReaderFuzz target()
    {
        if (fuzz == null)
        {
            try
            {
                final Path shm = Paths.get("/dev/shm");
                dir = Files.createTempDirectory(Files.isWritable(shm) ? shm :
                    Paths.get(System.getProperty("java.io.tmpdir")), "structhist-jazzer-");
                fuzz = new ReaderFuzz(dir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            started = System.nanoTime();
        }
        return fuzz;
    }

    @AfterAll
    static void report()
    {
        if (fuzz != null)
        {
            final double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("ReaderFuzzTest (Jazzer): %d executions in %.1f s = %.0f exec/s, %d mutants refused " +
                "with a HistoryFormatException, no finding; %s%n", fuzz.executions(), seconds,
                fuzz.executions() / seconds, fuzz.refused(), fuzz.slowestRead());
        }
        if (dir != null)
        {
            try (Stream<Path> walk = Files.walk(dir))
            {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            catch (final IOException ignore)
            {
                // Best effort: a directory in /dev/shm left behind costs a few hundred KiB.
            }
        }
    }
}
