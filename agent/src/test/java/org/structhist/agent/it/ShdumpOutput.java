package org.structhist.agent.it;

import org.structhist.shdump.Shdump;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the ITs ask of shdump's output: one run in this JVM without colours, and lines in a given order. */
final class ShdumpOutput
{
    private ShdumpOutput()
    {
    }

    /** Runs shdump with {@code --no-color} and {@code args}, asserts its exit code and returns its stdout. */
    static String shdump(final int expectedExit, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final String[] all = new String[args.length + 1];
        all[0] = "--no-color";
        System.arraycopy(args, 0, all, 1, args.length);
        final int exit = Shdump.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        assertEquals(expectedExit, exit, "shdump " + String.join(" ", all) + ": " + out + err);
        return out.toString();
    }

    /** Each pattern matches (find) a line after the line the previous one matched. */
    static void assertInOrder(final String text, final String... linePatterns)
    {
        final String[] lines = text.split("\\R");
        int from = 0;
        for (final String linePattern : linePatterns)
        {
            final Pattern pattern = Pattern.compile(linePattern);
            int at = from;
            while (at < lines.length && !pattern.matcher(lines[at]).find())
            {
                at++;
            }
            assertTrue(at < lines.length, "no line matching '" + linePattern + "' after line " + from + ":\n" + text);
            from = at + 1;
        }
    }
}
