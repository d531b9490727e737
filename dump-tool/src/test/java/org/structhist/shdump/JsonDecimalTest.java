package org.structhist.shdump;

import org.junit.jupiter.api.Test;
import org.structhist.shdump.output.Json;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code Json.decimal}: the trace's microsecond timestamps, exact to the nanosecond. */
class JsonDecimalTest
{
    @Test
    void writesTheExactDecimal()
    {
        assertEquals("{\"v\":1234.567}", decimal(1_234_567, 3));
        assertEquals("{\"v\":0.005}", decimal(5, 3));
        assertEquals("{\"v\":-0.005}", decimal(-5, 3));
        assertEquals("{\"v\":0.000}", decimal(0, 3));
        assertEquals("{\"v\":-1234.567}", decimal(-1_234_567, 3));
        assertEquals("{\"v\":42}", decimal(42, 0));
        assertEquals("{\"v\":-9223372036854775.808}", decimal(Long.MIN_VALUE, 3));
        assertEquals("{\"v\":9223372036854775.807}", decimal(Long.MAX_VALUE, 3));
    }

    @Test
    void agreesWithBigDecimalEverywhere()
    {
        final java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            final long value = random.nextLong() >> random.nextInt(64);
            final int scale = random.nextInt(10);
            final String json = decimal(value, scale);
            assertEquals(BigDecimal.valueOf(value, scale),
                new BigDecimal(json.substring("{\"v\":".length(), json.length() - 1)), json);
        }
    }

    @Test
    void nestsObjects()
    {
        assertEquals("{\"a\":{\"b\":1},\"c\":null}",
            Json.object().field("a", Json.object().field("b", 1)).field("c", (Json)null).toString());
    }

    private static String decimal(final long value, final int scale)
    {
        return Json.object().decimal("v", value, scale).toString();
    }
}
