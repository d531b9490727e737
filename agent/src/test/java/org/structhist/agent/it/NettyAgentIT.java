package org.structhist.agent.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.agent.it.ShdumpOutput.assertInOrder;
import static org.structhist.agent.it.ShdumpOutput.shdump;

/**
 * The agent on a real Netty server (2 event-loop threads, pooled direct buffers) under a real client
 * (4 concurrent connections), in a child JVM started with only {@code -javaagent:}: the server's handler
 * "audit" releases one buffer it does not own; Netty throws IllegalReferenceCountException when it
 * writes and again when it releases that buffer; {@code shdump check} must name the buffer and the
 * release below zero, and {@code shdump --obj} its life: allocated, touched by "audit", released to zero
 * on that handler's thread, then used and released again. Once with Netty 4.2, once with 4.1.
 */
class NettyAgentIT
{
    private static final int CONNECTIONS = 4;
    private static final int MESSAGES_PER_CONNECTION = 1_500;
    /** Three quarters through the load: the buffer's history is still in the window at the end. */
    private static final long BUGGY_MESSAGE = CONNECTIONS * MESSAGES_PER_CONNECTION * 3L / 4;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "Netty {0}")
    @ValueSource(strings = {ChildJvm.NETTY_42, ChildJvm.NETTY_41})
    void shdumpNamesTheBufferReleasedTwiceAndTheHandlerThatDidIt(final String nettyLine) throws Exception
    {
        final Path file = dir.resolve("netty.hist");
        final String address;
        final String releasingThread;
        try (ChildJvm server = ChildJvm.start(nettyLine,
            "file=" + file + ",window=16384", DoubleReleaseServer.class.getName(), Long.toString(BUGGY_MESSAGE)))
        {
            assertTrue(server.awaitLine("NETTY ", 60).startsWith("NETTY " + nettyLine + "."),
                "the child runs the Netty it was given: " + server.stdout());
            final int port = Integer.parseInt(server.awaitLine("PORT ", 60).substring(5));
            final EchoLoad load = new EchoLoad();
            load.run(port, CONNECTIONS, MESSAGES_PER_CONNECTION);
            final Matcher released = Pattern.compile("RELEASED_TWICE (0x[0-9a-f]+) on (.+)")
                .matcher(server.awaitLine("RELEASED_TWICE ", 10));
            assertTrue(released.matches());
            address = released.group(1);
            releasingThread = released.group(2);
            assertEquals(0, server.stop(60), "the server exits cleanly; stderr:\n" + server.stderr());
            final String stderr = server.stderr();
            assertTrue(stderr.contains("IllegalReferenceCountException"),
                "Netty met the released buffer somewhere else: " + stderr);
            assertTrue(!stderr.contains("structhist-agent:"),
                "the agent said nothing: it had nothing to say: " + stderr);
            assertTrue(load.echoed.get() >= CONNECTIONS * (MESSAGES_PER_CONNECTION - 1L) - MESSAGES_PER_CONNECTION,
                "the server served the load: " + load.echoed.get() + " echoes");
        }
        assertTrue(address.startsWith("0x7"), "a direct buffer's history is at its memory address: " + address);

        final String check = shdump(1, "--file", file.toString(), "check");
        keep(nettyLine, "check", check);
        final Matcher belowZero = Pattern.compile("(?m)^REFCOUNT_BELOW_ZERO.*" + Pattern.quote(address) +
            ".*ILLEGAL_RELEASE.*refCnt: 0, decrement: 1.*$").matcher(check);
        assertTrue(belowZero.find(), "check names the extra release of " + address + ":\n" + check);
        assertTrue(Pattern.compile("(?m)^USE_AFTER_DESTROY.*" + Pattern.quote(address)).matcher(check).find(),
            "check names the use after the release to zero:\n" + check);

        final String every = shdump(0, "--file", file.toString(), "--obj", address);
        // The pool hands the same memory out again and again: --obj shows every incarnation of the address.
        final List<String> withAnomalies = Stream.of(every.split("\\R\\R"))
            .filter(incarnation -> incarnation.contains("! USE_AFTER_DESTROY")).collect(Collectors.toList());
        assertEquals(1, withAnomalies.size(), "one incarnation of " + address + " was released twice:\n" + every);
        final String life = withAnomalies.get(0);
        keep(nettyLine, "obj", life);
        // Its life, in this order (other events, e.g. the write's touches, may come between).
        assertInOrder(life,
            "\\bALLOC\\s+1\\s+allocated, capacity \\d+$",
            "\\bTOUCH\\s+1\\s+audit$",
            Pattern.quote(releasingThread) + "\\s+RELEASE\\s+=0\\s+release, count now 0$",
            Pattern.quote(releasingThread) + "\\s+DESTROY\\s+=0\\s+count 0: deallocated$",
            "\\bTOUCH\\s+0\\s+echo$",
            "\\bILLEGAL_RELEASE\\s+-1\\s+refCnt: 0, decrement: 1$");
    }

    /** Keeps shdump's output in target/agent-it/ (the README's "Netty" section shows it). */
    private static void keep(final String nettyLine, final String what, final String output) throws IOException
    {
        final Path dir = Paths.get("target", "agent-it");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("netty-" + nettyLine + "-" + what + ".txt"), output);
    }
}
