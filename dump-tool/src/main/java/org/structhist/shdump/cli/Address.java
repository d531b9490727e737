package org.structhist.shdump.cli;

import picocli.CommandLine;

import java.util.Locale;

/** Object addresses on the command line: {@code 0x7f95acf6ea60} or decimal, printed as hex. */
public final class Address implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        return parse(value);
    }

    public static long parse(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
        try
        {
            if (text.startsWith("0x"))
            {
                return Long.parseUnsignedLong(text.substring(2), 16);
            }
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not an address: give it as hex (0x7f95acf6ea60) or decimal");
        }
    }

    public static String format(final long address)
    {
        return "0x" + Long.toHexString(address);
    }
}
