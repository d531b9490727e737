package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.ListOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code shdump tail} against writers in other processes: what a live process commits after tail started
 * is printed exactly once, per object in position order; SIGTERM stops it cleanly with exit code 0.
 * No timing is asserted: every step waits for a handshake line, with generous timeouts.
 */
class TailAcrossProcessesTest
{
    private static final Duration HANDSHAKE = Duration.ofSeconds(60);

    /** One event line of tail's text output, as the child logs them ("obj ADDRESS seq N"). */
    private static final Pattern EVENT = Pattern.compile(
        "^(\\S+)\\s+(0x[0-9a-f]+)\\s+gen (\\d+)\\s+#(\\d+)\\s+(\\d\\d:\\d\\d:\\d\\d\\.\\d{6})\\s+pid " +
        "(\\d+)\\s+(\\S+)\\s+USE\\s+" +
            "obj ([0-9a-f]+) seq (\\d+)$");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void printsEveryEventAnotherProcessCommitsAfterTailStartedOnceAndInOrder() throws Exception
    {
        final Path path = dir.resolve("live.hist");
        // Two threads, 150 rounds of one event per object every 8 ms (about 1.2 s), a new object every 40
        // rounds: well inside the 4 s tail runs for, however late a loaded machine makes the rounds.
        try (Child writer = Child.start(TailWriterChild.class, path, 2, 150, 8))
        {
            writer.awaitLine("READY", HANDSHAKE);
            final Captured out = new Captured();
            final Captured err = new Captured();
            final AtomicInteger exit = new AtomicInteger(-1);
            final Thread tail = new Thread(() -> exit.set(Shdump.run(out.writer, err.writer,
                "--file", path.toString(), "--no-color", "tail", "--exit-after", "4", "--interval", "20")), "tail");
            tail.start();
            // tail says "following" once it has noted where every object stands: what comes after is new.
            err.await("following", HANDSHAKE, writer::describe);
            writer.send("GO");
            final String done = writer.awaitLine("DONE", HANDSHAKE);
            tail.join(HANDSHAKE.toMillis());
            assertFalse(tail.isAlive(), "tail did not stop after --exit-after 4");
            assertEquals(0, exit.get(), "exit code; stderr:\n" + err.text());
            assertEquals(0, writer.awaitExit(HANDSHAKE), writer.describe());

            final Map<Long, List<Integer>> printed = new LinkedHashMap<>();
            for (final String line : out.lines())
            {
                final Matcher m = EVENT.matcher(line);
                assertTrue(m.matches(), "not an event line of the child's: '" + line + "'\n" + out.text());
                assertEquals(TailWriterChild.LIST, m.group(1));
                final long address = Address.parse(m.group(2));
                assertEquals(address, Long.parseUnsignedLong(m.group(8), 16), line);
                assertEquals(m.group(4), m.group(9), "one thread per object: position = seq: " + line);
                assertTrue(m.group(7).startsWith("writer-"), "thread name of a thread registered late: " + line);
                printed.computeIfAbsent(address, a -> new ArrayList<>()).add(Integer.parseInt(m.group(9)));
            }
            final Map<Long, List<Integer>> expected = new LinkedHashMap<>();
            for (final String object : done.substring("DONE ".length()).split(","))
            {
                final String[] parts = object.split(":");
                final List<Integer> seqs = new ArrayList<>();
                for (int seq = Integer.parseInt(parts[1]); seq < Integer.parseInt(parts[2]); seq++)
                {
                    seqs.add(seq);
                }
                expected.put(Address.parse(parts[0]), seqs);
            }
            assertTrue(expected.size() >= 6, "the child pushed objects while tail ran: " + done);
            // Exactly once and in position order per object; nothing from before tail started (seq < 5).
            assertEquals(expected, printed, "events per object\n" + out.text());
        }
    }

    @Test
    @Timeout(120)
    void sigtermStopsTailCleanlyWithExitCodeZero() throws Exception
    {
        final Path path = dir.resolve("signal.hist");
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(4L << 20)))
        {
            final History sh = file.list("sig", ListOptions.window(8).eventsPerObject(64)).push(0xC0FFEE);
            sh.log(TestVerb.REF, "before %d", 1);
            // --exit-after only so that a child orphaned by a dying test JVM ends on its own.
            try (Child tail = Child.start(Shdump.class, "--file", path, "--no-color", "tail", "--interval", "20",
                "--exit-after", "120"))
            {
                tail.err.await("following", HANDSHAKE, tail::describe);
                for (int i = 0; i < 3; i++)
                {
                    sh.log(TestVerb.USE, "after %d", i);
                }
                tail.out.await("after 2", HANDSHAKE, tail::describe);
                tail.terminate();
                assertEquals(0, tail.awaitExit(HANDSHAKE), tail.describe());
                final String printed = tail.out.text();
                assertFalse(printed.contains("before"), printed);
                for (int i = 0; i < 3; i++)
                {
                    assertTrue(printed.contains("after " + i), printed);
                }
            }
        }
    }
}
