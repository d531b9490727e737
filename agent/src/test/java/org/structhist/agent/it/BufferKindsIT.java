package org.structhist.agent.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.agent.it.ShdumpOutput.assertInOrder;
import static org.structhist.agent.it.ShdumpOutput.shdump;

/**
 * Every kind of buffer, counted correctly ({@link BufferScenarios}) in a child JVM with only
 * {@code -javaagent:}: {@code shdump check} finds nothing (no false alarm from slices, retained slices,
 * composites, heap buffers), a slice's retain/release/touch are its parent's, a retained slice, a heap
 * buffer, a composite and a buffer made without an allocator each have a history of their own at a
 * synthetic 0xfe... address. With Netty's leak detection at its default and at paranoid (every buffer
 * wrapped: touches go through the wrappers), with Netty 4.2 and 4.1.
 */
class BufferKindsIT
{
    @TempDir
    Path dir;

    @ParameterizedTest(name = "Netty {0}, leak detection {1}")
    @CsvSource({"4.2, simple", "4.2, paranoid", "4.1, simple", "4.1, paranoid"})
    void everyKindOfBufferHasTheRightHistoryAndNoFalseAlarm(final String nettyLine, final String leakDetection)
        throws Exception
    {
        final Path file = dir.resolve("kinds.hist");
        final String direct;
        final String parent;
        try (ChildJvm child = ChildJvm.start(nettyLine, "file=" + file,
            List.of("-Dio.netty.leakDetection.level=" + leakDetection), BufferScenarios.class.getName()))
        {
            direct = child.awaitLine("DIRECT ", 60).substring(7);
            parent = child.awaitLine("PARENT ", 10).substring(7);
            child.awaitLine("DONE", 10);
            assertEquals(0, child.await(30), child.stderr());
            assertFalse(child.stderr().contains("structhist-agent"), child.stderr());
        }

        shdump(0, "--file", file.toString(), "check");

        final String directLife = shdump(0, "--file", file.toString(), "--obj", direct);
        assertInOrder(directLife,
            "ALLOC\\s+1\\s+allocated, capacity 64$",
            "RETAIN\\s+2\\s+retain$",
            "RETAIN\\s+3\\s+retain$",     // the slice's retain
            "TOUCH\\s+3\\s+slice hint$",  // the slice's touch
            "RELEASE\\s+2\\s+release$",   // the slice's release
            "TOUCH\\s+2\\s+direct hint$",
            "RELEASE\\s+1\\s+release$",
            "RELEASE\\s+=0\\s+release, count now 0$",
            "DESTROY\\s+=0\\s+count 0: deallocated$");

        final String parentLife = shdump(0, "--file", file.toString(), "--obj", parent);
        assertInOrder(parentLife,
            "ALLOC\\s+1\\s+allocated, capacity 64$",
            "RETAIN\\s+2\\s+retain$",                 // the retained slice holds its parent
            "RELEASE\\s+1\\s+release$",               // ... until it is released to zero
            "RELEASE\\s+=0\\s+release, count now 0$",
            "DESTROY\\s+=0\\s+count 0: deallocated$");
        assertFalse(parentLife.contains("retained slice hint"),
            "the retained slice's touch is its own:\n" + parentLife);

        final String objects = shdump(0, "--file", file.toString(), "objects");
        for (final String hint : new String[] {"retained slice hint", "heap hint", "wrapped hint", "composite hint"})
        {
            final String address = syntheticAddressTouchedWith(file, objects, hint);
            final String life = shdump(0, "--file", file.toString(), "--obj", address);
            assertInOrder(life,
                "ALLOC\\s+1\\s+", "TOUCH\\s+1\\s+" + hint + "$", "RELEASE\\s+=0\\s+", "DESTROY\\s+=0\\s+");
        }
    }

    /** The one 0xfe... address in {@code objects} whose history has a TOUCH with {@code hint}. */
    private static String syntheticAddressTouchedWith(final Path file, final String objects, final String hint)
    {
        final Matcher m = Pattern.compile("\\b(0xfe[0-9a-f]{14})\\b").matcher(objects);
        String found = null;
        while (m.find())
        {
            final String life = shdump(0, "--file", file.toString(), "--obj", m.group(1));
            if (life.contains(" " + hint + "\n") || life.endsWith(" " + hint))
            {
                assertTrue(found == null || found.equals(m.group(1)), "two histories touched with " + hint);
                found = m.group(1);
            }
        }
        assertTrue(found != null, "no history at a synthetic address touched with '" + hint + "':\n" + objects);
        return found;
    }
}
