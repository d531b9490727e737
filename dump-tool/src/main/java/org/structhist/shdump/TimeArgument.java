package org.structhist.shdump;

import picocli.CommandLine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * {@code --since}/{@code --until}: an instant ({@code 2026-11-22T05:43:28.5Z}), a date-time taken as
 * UTC ({@code 2026-11-22T05:43:28}), or a time ago ({@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}).
 * Converted to epoch nanoseconds.
 */
public final class TimeArgument implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        return parse(value, Instant.now());
    }

    public static long parse(final String value, final Instant now)
    {
        final String text = value.trim();
        try
        {
            final Instant instant;
            if (text.matches("\\d+[smhd]"))
            {
                final long amount = Long.parseLong(text.substring(0, text.length() - 1));
                final Duration ago;
                switch (text.charAt(text.length() - 1))
                {
                    case 's': ago = Duration.ofSeconds(amount); break;
                    case 'm': ago = Duration.ofMinutes(amount); break;
                    case 'h': ago = Duration.ofHours(amount); break;
                    default: ago = Duration.ofDays(amount); break;
                }
                instant = now.minus(ago);
            }
            else if (text.toUpperCase(Locale.ROOT).endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$"))
            {
                instant = Instant.parse(text.toUpperCase(Locale.ROOT).endsWith("Z") ? text : text);
            }
            else
            {
                instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            }
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        }
        catch (final DateTimeParseException | NumberFormatException | ArithmeticException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a time: give an instant " +
                "(2026-11-22T05:43:28Z), a UTC date-time (2026-11-22T05:43:28) or a time ago (90s, 5m, 2h, 1d)");
        }
    }
}
