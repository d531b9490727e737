package org.structhist.stress.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What the seeded mutation loops of {@link ReaderFuzz} and {@link WriterFuzz} share when run by hand: their
 * options, how a finding ends the process, and where their scratch files go.
 */
final class FuzzCommandLine
{
    /** {@code --seconds S} and {@code --seed N}, as given or defaulted. */
    record Options(long seconds, long seed)
    {
    }

    private FuzzCommandLine()
    {
    }

    /** Parses {@code --seconds S --seed N}; the seed defaults to the clock, so a finding names its own. */
    static Options options(final String[] args, final long defaultSeconds)
    {
        long seconds = defaultSeconds;
        long seed = System.nanoTime();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds": seconds = Long.parseLong(args[i + 1]); break;
                case "--seed": seed = Long.parseLong(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i] + "; use --seconds S --seed N");
            }
        }
        return new Options(seconds, seed);
    }

    /** Prints the loop's summary; on a finding prints it and exits 1, so a script sees it. */
    static void report(final String summary, final Throwable finding)
    {
        System.out.println(summary);
        if (finding != null)
        {
            finding.printStackTrace();
            System.exit(1);
        }
    }

    /** tmpfs when there is one (the files are mapped), else the JVM's temporary directory. */
    static Path tempParent()
    {
        final Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }
}
