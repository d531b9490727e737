package org.structhist.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The tokens a file name given by {@code -Dstructhist.file} (or {@code $STRUCTHIST_FILE}) may hold, so
 * that each run can start a file of its own: {@code %p} the pid, {@code %t} the process's start time
 * (UTC, {@code 20261207-113402}), {@code %%} a percent sign. Opt-in: a name without them is one file
 * for every run, which is what processes that share objects need (they must share one file). Any other
 * {@code %} stays as it is. A pure function of its arguments.
 */
public final class FileNameTokens
{
    private static final DateTimeFormatter START_TIME =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private FileNameTokens()
    {
    }

    /** {@code name} with its tokens replaced for process {@code pid} started at {@code startMillis} (epoch ms). */
    public static String expand(final String name, final long pid, final long startMillis)
    {
        if (name.indexOf('%') < 0)
        {
            return name;
        }
        final StringBuilder out = new StringBuilder(name.length() + 16);
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final char next = i + 1 < name.length() ? name.charAt(i + 1) : 0;
            if (c == '%' && (next == 'p' || next == 't' || next == '%'))
            {
                out.append(next == 'p' ? Long.toString(pid) :
                    next == 't' ? START_TIME.format(Instant.ofEpochMilli(startMillis)) : "%");
                i++;
            }
            else
            {
                out.append(c);
            }
        }
        return out.toString();
    }
}
