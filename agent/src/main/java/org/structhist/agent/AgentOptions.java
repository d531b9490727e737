package org.structhist.agent;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The agent's options, from {@code -javaagent:structhist-agent.jar=key=value,key=value}:
 * <ul>
 * <li>{@code file=PATH}: the history file (default: struct-history's default file,
 *     see {@code HistoryFile.defaultPath});</li>
 * <li>{@code window=N}: how many buffers the list keeps (default {@value #DEFAULT_WINDOW});</li>
 * <li>{@code events=N}: events kept per buffer (default {@value #DEFAULT_EVENTS});</li>
 * <li>{@code stacks=true|false}: a stack trace on every event (default false: it allocates and costs
 *     microseconds);</li>
 * <li>{@code clock=exact|coarse}: timestamps (default exact).</li>
 * </ul>
 * Parsed with no struct-history class loaded: the switch must be set before the library reads it.
 */
final class AgentOptions
{
    /** Thousands of buffers in flight on a busy server fit; 8192 x 32 events x 128 B = 32 MiB of file. */
    static final int DEFAULT_WINDOW = 8192;
    static final int DEFAULT_EVENTS = 32;
    /** 128-byte records keep 88 bytes of text: a handler's name whole, and most exception messages. */
    static final int ENTRY_SIZE = 128;
    /** The list every buffer's history goes to. */
    static final String LIST_NAME = "netty";

    final Path file;
    final int window;
    final int events;
    final boolean stacks;
    final boolean coarseClock;

    private AgentOptions(final Path file, final int window, final int events, final boolean stacks,
        final boolean coarseClock)
    {
        this.file = file;
        this.window = window;
        this.events = events;
        this.stacks = stacks;
        this.coarseClock = coarseClock;
    }

    /**
     * Parses the agent's argument string (null or empty: the defaults).
     *
     * @throws IllegalArgumentException with one sentence that names the wrong option.
     */
    static AgentOptions parse(final String args)
    {
        Path file = null;
        int window = DEFAULT_WINDOW;
        int events = DEFAULT_EVENTS;
        boolean stacks = false;
        boolean coarse = false;
        if (args != null && !args.isBlank())
        {
            for (final String option : args.split(","))
            {
                final int eq = option.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException("option '" + option + "' is not key=value " +
                        "(known: file, window, events, stacks, clock)");
                }
                final String key = option.substring(0, eq).trim();
                final String value = option.substring(eq + 1).trim();
                switch (key)
                {
                    case "file":
                        if (value.isEmpty())
                        {
                            throw new IllegalArgumentException("file= needs a path");
                        }
                        file = Paths.get(value);
                        break;
                    case "window":
                        window = positive(key, value);
                        break;
                    case "events":
                        events = positive(key, value);
                        break;
                    case "stacks":
                        stacks = bool(key, value);
                        break;
                    case "clock":
                        if (!value.equals("exact") && !value.equals("coarse"))
                        {
                            throw new IllegalArgumentException("clock must be exact or coarse, not '" + value + "'");
                        }
                        coarse = value.equals("coarse");
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + key +
                            "' (known: file, window, events, stacks, clock)");
                }
            }
        }
        return new AgentOptions(file, window, events, stacks, coarse);
    }

    private static int positive(final String key, final String value)
    {
        try
        {
            final int n = Integer.parseInt(value);
            if (n > 0)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // Reported below, with the key.
        }
        throw new IllegalArgumentException(key + " must be a positive whole number, not '" + value + "'");
    }

    private static boolean bool(final String key, final String value)
    {
        if (value.equals("true") || value.equals("false"))
        {
            return value.equals("true");
        }
        throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
    }
}
