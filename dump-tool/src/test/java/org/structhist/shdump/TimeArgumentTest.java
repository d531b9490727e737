package org.structhist.shdump;

import org.structhist.shdump.cli.TimeArgument;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code --since}/{@code --until} values, against a fixed now. */
class TimeArgumentTest
{
    private static final Instant NOW = Instant.parse("2026-11-22T05:43:28.5Z");
    private static final long NOW_NANOS = 1_795_326_208_500_000_000L;

    @Test
    void instantsWithZoneOrOffset()
    {
        assertEquals(NOW_NANOS, TimeArgument.parse("2026-11-22T05:43:28.5Z", NOW));
        assertEquals(NOW_NANOS, TimeArgument.parse("2026-11-22t05:43:28.5z", NOW), "ISO 8601 allows lower case");
        assertEquals(NOW_NANOS, TimeArgument.parse("2026-11-22T07:43:28.5+02:00", NOW));
        assertEquals(NOW_NANOS, TimeArgument.parse(" 2026-11-22T05:43:28.500000000Z ", NOW));
    }

    @Test
    void aDateTimeWithoutZoneIsUtc()
    {
        assertEquals(NOW_NANOS, TimeArgument.parse("2026-11-22T05:43:28.5", NOW));
        assertEquals(NOW_NANOS - 500_000_000L, TimeArgument.parse("2026-11-22T05:43:28", NOW));
    }

    @Test
    void timesAgo()
    {
        assertEquals(NOW_NANOS - 90_000_000_000L, TimeArgument.parse("90s", NOW));
        assertEquals(NOW_NANOS - 5 * 60_000_000_000L, TimeArgument.parse("5m", NOW));
        assertEquals(NOW_NANOS - 2 * 3_600_000_000_000L, TimeArgument.parse("2h", NOW));
        assertEquals(NOW_NANOS - 86_400_000_000_000L, TimeArgument.parse("1d", NOW));
        assertEquals(NOW_NANOS, TimeArgument.parse("0s", NOW));
    }

    /** Nanoseconds since 1970 in a long end in 2262 and begin in 1677: beyond, a time saturates, never wraps. */
    @Test
    void timesBeyondTheNanosecondRangeSaturate()
    {
        assertEquals(Long.MAX_VALUE, TimeArgument.parse("3000-01-01T00:00:00Z", NOW));
        assertEquals(Long.MAX_VALUE, TimeArgument.parse("+1000000000-01-01T00:00:00Z", NOW));
        assertEquals(Long.MIN_VALUE, TimeArgument.parse("1600-01-01T00:00:00", NOW));
        assertEquals(Long.MIN_VALUE, TimeArgument.parse("999999d", NOW));
        assertEquals(Long.MIN_VALUE, TimeArgument.parse("9223372036854775807s", NOW));
        assertEquals(Long.MIN_VALUE, TimeArgument.parse("153722867280912930m", NOW));
    }

    @Test
    void anythingElseIsOneSentence()
    {
        for (final String bad : new String[] {"", "now", "5", "5w", "-5m", "1.5h", "99999999999999999999s",
            "9223372036854775807d", "2026-11-22", "05:43:28", "2026-11-22T25:00:00Z", "2026-11-22T05:43:28+25:00"})
        {
            final CommandLine.TypeConversionException ex =
                assertThrows(CommandLine.TypeConversionException.class, () -> TimeArgument.parse(bad, NOW), bad);
            assertEquals("'" + bad + "' is not a time: give an instant (2026-11-22T05:43:28Z), a UTC date-time " +
                "(2026-11-22T05:43:28) or a time ago (90s, 5m, 2h, 1d)", ex.getMessage());
        }
    }
}
