package org.structhist.render;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Wall times as shdump and the JUnit extension print them: UTC, to the microsecond. */
public final class Times
{
    private static final DateTimeFormatter FULL =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_OF_DAY =
        DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Times()
    {
    }

    public static Instant instant(final long epochNanos)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
            Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** {@code 2026-11-22 05:43:28.123456}. */
    public static String full(final long epochNanos)
    {
        return FULL.format(instant(epochNanos));
    }

    /** {@code 05:43:28.123456}. */
    public static String timeOfDay(final long epochNanos)
    {
        return TIME_OF_DAY.format(instant(epochNanos));
    }

    /** {@code 2026-11-22T05:43:28.123456Z}: for machine-readable output. */
    public static String iso(final long epochNanos)
    {
        return instant(epochNanos).toString();
    }

    /** A signed delta in microseconds: {@code +12us}, {@code +1.204ms}, {@code +3.5s}. */
    public static String delta(final long nanos)
    {
        final long micros = nanos / 1000;
        if (Math.abs(micros) < 1000)
        {
            return (micros >= 0 ? "+" : "") + micros + "us";
        }
        if (Math.abs(micros) < 1_000_000)
        {
            return String.format(java.util.Locale.ROOT, "%+.3fms", micros / 1000.0);
        }
        return String.format(java.util.Locale.ROOT, "%+.3fs", micros / 1_000_000.0);
    }
}
