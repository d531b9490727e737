package org.structhist.stress;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * {@link KillTorture}'s command line: {@code --kills N --seconds S --writers W --threads T [--seed X] [--dir DIR]
 * [--keep]}. A bad option is an {@link IllegalArgumentException} whose message is the one sentence to print.
 */
public final class KillTortureOptions
{
    int kills = 100;
    long seconds;
    int writers = 3;
    int threads = 2;
    long seed = System.nanoTime();
    Path dir;
    boolean keep;

    public static KillTortureOptions parse(final String... args)
    {
        final KillTortureOptions o = new KillTortureOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--kills": o.kills = Integer.parseInt(need(args[i], value)); i++; break;
                case "--seconds": o.seconds = Long.parseLong(need(args[i], value)); i++; break;
                case "--writers": o.writers = Integer.parseInt(need(args[i], value)); i++; break;
                case "--threads": o.threads = Integer.parseInt(need(args[i], value)); i++; break;
                case "--seed": o.seed = Long.parseLong(need(args[i], value)); i++; break;
                case "--dir": o.dir = Paths.get(need(args[i], value)); i++; break;
                case "--keep": o.keep = true; break;
                default: throw new IllegalArgumentException("unknown option " + args[i] + "; use --kills N " +
                    "--seconds S --writers W --threads T [--seed X] [--dir DIR] [--keep]");
            }
        }
        if (o.kills < 1 || o.writers < 1 || o.threads < 1 || o.writers > 16 || o.threads > 8 || o.seconds < 0)
        {
            throw new IllegalArgumentException("need --kills >= 1, --writers 1..16, --threads 1..8, --seconds >= 0");
        }
        return o;
    }

    private static String need(final String option, final String value)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
