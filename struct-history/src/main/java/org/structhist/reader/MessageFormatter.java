package org.structhist.reader;

import java.util.IllegalFormatConversionException;
import java.util.IllegalFormatException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formats an event's message at read time, the NanoLog idea: writers store the format's id and raw
 * arguments, this applies them. A format that does not fit its arguments never fails a read, and shows
 * plainly what does not fit, one specifier at a time:
 * <ul>
 * <li>a specifier with no argument left stays as written, and the message ends {@code [missing args]}:
 *     {@code a=1 b=%d c=%d [missing args]};</li>
 * <li>arguments no specifier took are listed at the end: {@code no args [1, 2]};</li>
 * <li>a floating-point specifier ({@code %f %e %g %a}) shows the long argument as a number
 *     ({@code %.1f} of 3 is {@code 3.0}): arguments are longs, a double must be converted by the caller;</li>
 * <li>a specifier that cannot show its argument (e.g. {@code %c} of a long that is no character) shows
 *     the argument in decimal; an unknown specifier ({@code %q}) stays as written and leaves its argument
 *     to the list at the end.</li>
 * </ul>
 * An event with no format but text (the writer's string table was full) shows the text alone: it is
 * the whole message.
 */
public final class MessageFormatter
{
    /** Widths and precisions above this are not applied. */
    static final int MAX_WIDTH = 1024;

    /** One java.util.Formatter specifier: index, flags, width, precision, date prefix, conversion. */
    private static final Pattern SPECIFIER =
        Pattern.compile("%(\\d+\\$)?([-#+ 0,(<]*)?(\\d+)?(\\.\\d+)?([tT])?([a-zA-Z%])");

    private MessageFormatter()
    {
    }

    public static String format(final String format, final long[] args, final String text)
    {
        final String fmt = format == null ? "" : format;
        if (fmt.isEmpty() && text != null)
        {
            return text;
        }
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
            return values.length == 0 ? fmt : fmt + (fmt.isEmpty() ? "" : " ") +
                raw(values, new boolean[values.length]);
        }
        if (hasHugeWidth(fmt))
        {
            // a width from a hostile file must not size an allocation
            return fmt + " " + raw(values, new boolean[values.length]);
        }
        return applyEach(fmt, values);
    }

    /** Applies each specifier on its own, so one that does not fit leaves the others applied. */
    private static String applyEach(final String fmt, final Object[] values)
    {
        final StringBuilder out = new StringBuilder(fmt.length() + 16);
        final boolean[] used = new boolean[values.length];
        final Matcher specifier = SPECIFIER.matcher(fmt);
        int literalFrom = 0;
        int next = 0;
        int previous = -1;
        boolean missing = false;
        while (specifier.find())
        {
            out.append(fmt, literalFrom, specifier.start());
            literalFrom = specifier.end();
            final String spec = specifier.group();
            final char conversion = specifier.group(6).charAt(0);
            if (conversion == '%' || conversion == 'n')
            {
                out.append(conversion == '%' ? "%" : "\n");
                continue;
            }
            final String flags = specifier.group(2);
            final int index;
            if (specifier.group(1) != null)
            {
                index = Integer.parseInt(spec.substring(1, spec.indexOf('$'))) - 1;
            }
            else if (flags != null && flags.indexOf('<') >= 0)
            {
                index = previous;
            }
            else
            {
                index = next++;
            }
            if (index < 0 || index >= values.length)
            {
                out.append(spec);
                missing = true;
                continue;
            }
            final Object value = isFloating(conversion) && values[index] instanceof Long ?
                (Object)(double)(Long)values[index] : values[index];
            try
            {
                out.append(String.format(Locale.ROOT, spec.replace("<", "").replaceFirst("^%\\d+\\$", "%"), value));
                used[index] = true;
                previous = index;
            }
            catch (final IllegalFormatConversionException ex)
            {
                out.append(values[index]);
                used[index] = true;
                previous = index;
            }
            catch (final IllegalFormatException ex)
            {
                out.append(spec);
            }
        }
        out.append(fmt, literalFrom, fmt.length());
        if (missing)
        {
            out.append(" [missing args]");
        }
        if (!allUsed(used))
        {
            out.append(' ').append(raw(values, used));
        }
        return out.toString();
    }

    private static boolean isFloating(final char conversion)
    {
        return "eEfgGaA".indexOf(conversion) >= 0;
    }

    private static boolean allUsed(final boolean[] used)
    {
        for (final boolean u : used)
        {
            if (!u)
            {
                return false;
            }
        }
        return true;
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

    /** The values no specifier took, as {@code [a, b]}. */
    private static String raw(final Object[] values, final boolean[] used)
    {
        final StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (int i = 0; i < values.length; i++)
        {
            if (!used[i])
            {
                sb.append(first ? "" : ", ").append(values[i]);
                first = false;
            }
        }
        return sb.append(']').toString();
    }
}
