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
    /** Widths and precisions above this are not applied. */
    static final int MAX_WIDTH = 1024;

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
        if (hasHugeWidth(fmt))
        {
            return fmt + " " + raw(values); // a width from a hostile file must not size an allocation
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

    /** Whether a specifier asks for a width or precision above {@link #MAX_WIDTH}. */
    static boolean hasHugeWidth(final String fmt)
    {
        long number = 0;
        boolean inSpecifier = false;
        for (int i = 0; i < fmt.length(); i++)
        {
            final char c = fmt.charAt(i);
            if (!inSpecifier)
            {
                inSpecifier = c == '%';
                number = 0;
            }
            else if (c >= '0' && c <= '9')
            {
                number = Math.min(number * 10 + (c - '0'), Integer.MAX_VALUE);
                if (number > MAX_WIDTH)
                {
                    return true;
                }
            }
            else if (c == '.' || c == '$' || c == '-' || c == '#' || c == '+' || c == ' ' || c == ',' || c == '(')
            {
                number = 0;
            }
            else
            {
                inSpecifier = false;
            }
        }
        return false;
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
