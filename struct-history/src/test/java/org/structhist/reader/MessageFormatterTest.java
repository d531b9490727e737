package org.structhist.reader;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A format and arguments that do not match are shown plainly, specifier by specifier. */
class MessageFormatterTest
{
    private static String format(final String format, final long... args)
    {
        return MessageFormatter.format(format, args, null);
    }

    @Test
    void aSpecifierWithNoArgumentLeftStaysAsWrittenAndTheMessageSaysSo()
    {
        assertEquals("a=1 b=%d c=%d [missing args]", format("a=%d b=%d c=%d", 1));
        assertEquals("a=%d [missing args]", format("a=%d"));
    }

    @Test
    void argumentsNoSpecifierTookAreListedAtTheEnd()
    {
        assertEquals("a=1 [2, 3]", format("a=%d", 1, 2, 3));
        assertEquals("no args [1, 2]", format("no args", 1, 2));
    }

    @Test
    void aFloatingPointSpecifierShowsTheLongAsANumber()
    {
        assertEquals("ratio 3.000000", format("ratio %f", 3));
        assertEquals("x=-2.0e+00 y=%f [missing args]", format("x=%.1e y=%f", -2));
    }

    @Test
    void aSpecifierThatCannotShowItsArgumentShowsItInDecimal()
    {
        assertEquals("c=" + Long.MAX_VALUE + " d=5", format("c=%c d=%d", Long.MAX_VALUE, 5));
        assertEquals("%q [1]", format("%q", 1));
    }

    @Test
    void indexedAndRelativeSpecifiersAndLiteralsStillWork()
    {
        assertEquals("b=2 a=1 again=1 100% x=ff", format("b=%2$d a=%1$d again=%<d 100%% x=%3$x", 1, 2, 255));
        assertEquals("    5|", format("%5d|", 5));
    }

    @Test
    void anEventWithNoFormatButTextShowsTheTextAlone()
    {
        assertEquals("session 7 opened [1, 2]", MessageFormatter.format("", new long[0], "session 7 opened [1, 2]"));
        assertEquals("peer 10.0.0.1", MessageFormatter.format("peer %s", new long[0], "10.0.0.1"));
    }
}
