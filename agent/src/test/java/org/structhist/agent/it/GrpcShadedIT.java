package org.structhist.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.agent.it.ShdumpOutput.assertInOrder;
import static org.structhist.agent.it.ShdumpOutput.shdump;

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
        assertInOrder(life, expected);
    }
}
