package org.structhist.agent;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest
{
    @Test
    void noArgumentsAreTheDefaultsForABusyServer()
    {
        for (final String none : new String[] {null, "", "  "})
        {
            final AgentOptions options = AgentOptions.parse(none);
            assertNull(options.file);
            assertEquals(8192, options.window);
            assertEquals(32, options.events);
            assertFalse(options.stacks);
            assertFalse(options.coarseClock);
        }
    }

    @Test
    void everyOptionIsRead()
    {
        final AgentOptions options =
            AgentOptions.parse("file=/tmp/a b.hist,window=100, events=7,stacks=true,clock=coarse");
        assertEquals(Paths.get("/tmp/a b.hist"), options.file);
        assertEquals(100, options.window);
        assertEquals(7, options.events);
        assertTrue(options.stacks);
        assertTrue(options.coarseClock);
    }

    @Test
    void aWrongOptionIsOneSentenceThatNamesIt()
    {
        assertEquals("unknown option 'windw' (known: file, window, events, stacks, clock)",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("windw=5")).getMessage());
        assertEquals("window must be a positive whole number, not '0'",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("window=0")).getMessage());
        assertEquals("events must be a positive whole number, not 'many'",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("events=many")).getMessage());
        assertEquals("clock must be exact or coarse, not 'fast'",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("clock=fast")).getMessage());
        assertEquals("stacks must be true or false, not 'yes'",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("stacks=yes")).getMessage());
        assertEquals("option 'stacks' is not key=value (known: file, window, events, stacks, clock)",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("stacks")).getMessage());
        assertEquals("file= needs a path",
            assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("file=")).getMessage());
    }
}
