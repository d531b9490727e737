package org.structhist.shdump;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 8 for output that is big by right: a 64 KiB file whose every event holds a 16,000-character
 * string of control characters (the string table's longest, each escaped to six characters in JSON)
 * makes megabytes of JSON. shdump may allocate in proportion to what it reads and writes, but not
 * several times over: the reader fuzzer found a chrome export allocating 77 MB for a 64 KiB file, ten
 * bytes for each character written, while each event was copied from builder to builder to String to
 * char[]. Streaming each object to the Writer brought that under three.
 */
class OutputAllocationTest
{
    /** For reading and auditing the file, whatever is printed (about 4 MB here: the strings are not cached). */
    private static final long FIXED_ALLOWANCE = 8L << 20;
    /** Bytes allocated per character written; the old export allocated 7 (json) and 10 (chrome). */
    private static final long BYTES_PER_OUTPUT_CHAR = 4;
    private static final int OBJECTS = 8;
    private static final int EVENTS = 8;

    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeFileOfLongControlStrings()
    {
        file = dir.resolve("controls.hist");
        final HistoryFile history = HistoryFile.open(file, FileOptions.defaults().sizeBytes(64 * 1024).maxLists(4)
            .maxWriters(8).maxThreads(64).maxVerbs(32).stringIndexCapacity(256).stringDataBytes(20_000));
        final HistoryList list = history.list("conns", ListOptions.window(OBJECTS).eventsPerObject(EVENTS));
        final String controls = "\u0001".repeat(16_000);
        for (int i = 0; i < OBJECTS; i++)
        {
            final long handle = list.pushHandle(0x1000 + i);
            for (int e = 0; e < EVENTS; e++)
            {
                list.log(handle, TestVerb.SEND, controls);
            }
        }
        history.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"export --format json -o -", "export --format chrome -o -", "show --obj 0x1000 --json",
        "objects --json"})
    void allocatesInProportionToItsOutput(final String command)
    {
        final String[] args = ("--no-color --file " + file + " " + command).split(" ");
        run(args); // warm-up: class loading and first-use caches allocate too
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long written = run(args);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(written > (command.startsWith("export") ? OBJECTS * EVENTS * 16_000L * 6 : 0),
            "every event's string was written, escaped: " + written + " chars");
        assertTrue(allocated < FIXED_ALLOWANCE + BYTES_PER_OUTPUT_CHAR * written,
            "shdump " + command + " allocated " + allocated + " bytes for " + written + " chars of output (" +
            String.format("%.1f", (double)allocated / written) + " per char)");
    }

    /** Runs shdump with its output counted, not kept (keeping it would be allocation too); returns the count. */
    private static long run(final String[] args)
    {
        final CountingWriter out = new CountingWriter();
        final StringWriter err = new StringWriter();
        final int code = Shdump.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, () -> "shdump " + String.join(" ", args) + ": " + err);
        return out.chars;
    }

    private static final class CountingWriter extends Writer
    {
        long chars;

        @Override
        public void write(final char[] buffer, final int offset, final int length)
        {
            chars += length;
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }
}
