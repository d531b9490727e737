package org.structhist.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.shdump.Shdump;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC's relocated Netty ({@code io.grpc.netty.shaded.io.netty}, grpc-netty-shaded 1.85.1) is instrumented
 * like {@code io.netty}: a buffer's life and its release below zero, in a child JVM with only
 * {@code -javaagent:} and grpc-netty-shaded on its class path.
 */
class GrpcShadedIT
{
    @TempDir
    Path dir;

    @Test
    void gRpcsShadedNettyBuffersHaveHistories() throws Exception
    {
        final Path file = dir.resolve("grpc.hist");
        final String address;
        try (ChildJvm child = ChildJvm.start(ChildJvm.GRPC_SHADED, "file=" + file, GrpcShadedScenario.class.getName()))
        {
            address = child.awaitLine("GRPC ", 60).substring(5);
            assertEquals("REFUSED refCnt: 0, decrement: 1", child.awaitLine("REFUSED ", 10));
            child.awaitLine("DONE", 10);
            assertEquals(0, child.await(30), child.stderr());
            assertFalse(child.stderr().contains("structhist-agent"), child.stderr());
        }
        final String check = shdump(1, "--file", file.toString(), "check");
        assertTrue(Pattern.compile("(?m)^REFCOUNT_BELOW_ZERO.*" + Pattern.quote(address) + ".*ILLEGAL_RELEASE")
            .matcher(check).find(), check);
        final String life = shdump(0, "--file", file.toString(), "--obj", address);
        final String[] expected = {
            "ALLOC\\s+1\\s+allocated, capacity 64$", "RETAIN\\s+2\\s+retain$", "TOUCH\\s+2\\s+grpc hint$",
            "RELEASE\\s+1\\s+release$", "RELEASE\\s+=0\\s+release, count now 0$", "DESTROY\\s+=0\\s+",
            "ILLEGAL_RELEASE\\s+-1\\s+refCnt: 0, decrement: 1$"};
        final String[] lines = life.split("\\R");
        int at = 0;
        for (final String pattern : expected)
        {
            final Pattern p = Pattern.compile(pattern);
            while (at < lines.length && !p.matcher(lines[at]).find())
            {
                at++;
            }
            assertTrue(at < lines.length, "no '" + pattern + "' in order:\n" + life);
            at++;
        }
    }

    private static String shdump(final int expectedExit, final String... args)
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
}
