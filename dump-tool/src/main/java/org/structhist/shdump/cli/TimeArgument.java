package org.structhist.shdump.cli;

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
                // A time ago before Instant.MIN is still "before every event".
                instant = ago.getSeconds() >= now.getEpochSecond() - Instant.MIN.getEpochSecond() ?
                    Instant.MIN : now.minus(ago);
            }
            else if (text.toUpperCase(Locale.ROOT).endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$"))
            {
                // Instant.parse wants the upper-case T and Z that ISO 8601 also allows in lower case.
                instant = Instant.parse(text.toUpperCase(Locale.ROOT));
            }
            else
            {
                instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            }
            return epochNanos(instant);
        }
        catch (final DateTimeParseException | NumberFormatException | ArithmeticException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a time: give an instant " +
                "(2026-11-22T05:43:28Z), a UTC date-time (2026-11-22T05:43:28) or a time ago (90s, 5m, 2h, 1d)");
        }
    }

    /**
     * Epoch nanoseconds of {@code instant}, saturated: a long holds 1677..2262, and an instant beyond
     * that still orders correctly against every event, where an overflow would wrap it to the other end.
     */
    static long epochNanos(final Instant instant)
    {
        final long seconds = instant.getEpochSecond();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L)
        {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L)
        {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + instant.getNano();
    }
}
