package org.structhist.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.shdump.Shdump;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent never throws into the application nor changes what it does: a wrong option or a file it
 * cannot create costs the application its histories only, with one line on stderr; an event it cannot
 * record is counted, said once, and reported at exit. Each in a real child JVM with only {@code -javaagent:}.
 */
class AgentFailuresIT
{
    @TempDir
    Path dir;

    @Test
    void aWrongOptionIsOneLineAndTheApplicationRunsAsWithout() throws Exception
    {
        try (ChildJvm child = ChildJvm.start(ChildJvm.NETTY_42, "window=0", BufferScenarios.class.getName()))
        {
            child.awaitLine("DONE", 60);
            assertEquals(0, child.await(30), child.stderr());
            assertEquals(
                List.of("structhist-agent: window must be a positive whole number, not '0'; recording nothing"),
                agentLines(child.stderr()));
        }
    }

    @Test
    void aFileThatCannotBeMadeIsOneLineAndTheApplicationRunsAsWithout() throws Exception
    {
        final Path notADirectory = Files.createFile(dir.resolve("a-file"));
        final Path file = notADirectory.resolve("netty.hist");
        try (ChildJvm child = ChildJvm.start(ChildJvm.NETTY_42, "file=" + file, BufferScenarios.class.getName()))
        {
            child.awaitLine("DONE", 60);
            assertEquals(0, child.await(30), child.stderr());
            final List<String> said = agentLines(child.stderr());
            assertEquals(1, said.size(), child.stderr());
            assertTrue(said.get(0).startsWith("structhist-agent: cannot record into " + file + ": "), said.get(0));
            assertTrue(said.get(0).endsWith("; recording nothing"), said.get(0));
        }
    }

    @Test
    void anEventThatCannotBeRecordedIsCountedSaidOnceAndTheApplicationGoesOn() throws Exception
    {
        final Path file = dir.resolve("netty.hist");
        final String address;
        try (ChildJvm child = ChildJvm.start(ChildJvm.NETTY_42, "file=" + file, BufferScenarios.class.getName(),
            "hostile-hint"))
        {
            address = child.awaitLine("HOSTILE ", 60).substring(8);
            child.awaitLine("DONE", 10);
            assertEquals(0, child.await(30), child.stderr());
            assertEquals(List.of(
                "structhist-agent: a buffer event could not be recorded (java.lang.IllegalStateException: a hint " +
                    "that cannot be printed); the application goes on, later failures are counted and reported at exit",
                "structhist-agent: 2 buffer events could not be recorded"),
                agentLines(child.stderr()));
        }
        // The events around the two lost touches are there.
        final StringWriter out = new StringWriter();
        assertEquals(0, Shdump.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
            "--no-color", "--file", file.toString(), "--obj", address));
        final String life = out.toString();
        assertTrue(life.contains("ALLOC") && life.contains("DESTROY") && !life.contains("TOUCH"), life);
    }

    private static List<String> agentLines(final String stderr)
    {
        return Stream.of(stderr.split("\\R")).filter(line -> line.contains("structhist-agent"))
            .collect(Collectors.toList());
    }
}
