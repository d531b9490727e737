package org.structhist.reader;

import java.util.IllegalFormatException;
import java.util.Locale;

/**
 * Formats an event's message at read time, the NanoLog idea: writers store the format's id and raw
 * arguments, this applies them. A format that does not fit its arguments never fails a read: the
 * format is shown with the raw arguments after it.
 */
public final class MessageFormatter
{
    private MessageFormatter()
    {
    }

    public static String format(final String format, final long[] args, final String text)
    {
        final String fmt = format == null ? "" : format;
        final Object[] values;
        if (text != null)
        {
            values = new Object[] {text};
        }
        else
        {
            values = new Object[args.length];
            for (int i = 0; i < args.length; i++)
            {
                values[i] = args[i];
            }
        }
        if (fmt.indexOf('%') < 0)
        {
            return values.length == 0 ? fmt : fmt + (fmt.isEmpty() ? "" : " ") + raw(values);
        }
        try
        {
            return String.format(Locale.ROOT, fmt, values);
        }
        catch (final IllegalFormatException ex)
        {
            return fmt + " " + raw(values);
        }
    }

    private static String raw(final Object[] values)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return sb.append(']').toString();
    }
}
