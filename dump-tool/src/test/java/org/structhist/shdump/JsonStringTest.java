package org.structhist.shdump;

import org.junit.jupiter.api.Test;
import org.structhist.shdump.output.Json;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Json.string}: every character survives a strict parser, and escaping costs what the text costs. */
class JsonStringTest
{
    @Test
    void everyCharacterBelow0x80RoundTrips()
    {
        final StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++)
        {
            all.append(c);
        }
        all.append("τ\uD83D\uDE00");
        final String json = new Json().field("s", all.toString()).toString();
        assertEquals(all.toString(), StrictJson.object(json).get("s"));
        assertTrue(json.contains("\\u0000") && json.contains("\\u001f") && json.contains("\\n"), json);
    }

    /**
     * A hostile history file's strings can be kilobytes of control characters (the reader fuzzer made a
     * verb name of file bytes); escaping one such string once per event allocated 446 MB for a 64 KiB file
     * while it used String.format per character.
     */
    @Test
    void controlCharactersDoNotCostAFormatterEach()
    {
        final String controls = "\u0000\u0001\u0002\u0003\u001f".repeat(20_000);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final StringBuilder out = new StringBuilder(controls.length() * 6 + 2);
        Json.string(out, controls); // warm-up: class loading
        out.setLength(0);
        final long before = threads.getCurrentThreadAllocatedBytes();
        Json.string(out, controls);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(controls.length() * 6 + 2, out.length());
        assertTrue(allocated < 64 * 1024, "escaping 100,000 control characters allocated " + allocated + " bytes");
    }
}
