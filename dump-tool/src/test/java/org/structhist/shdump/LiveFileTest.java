package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.ClockMode;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * shdump on a file that is being written right now (DESIGN.md invariant 8): writers log as fast as
 * they can, objects are pushed round small windows and their rings wrap, while every command runs
 * again and again. A command may find anomalies or not find an object (exit 0 or 1); it never
 * refuses the file, never fails, never throws.
 */
class LiveFileTest
{
    private static final Duration RUN_FOR = Duration.ofMillis(1500);
    private static final Pattern KIND = Pattern.compile("\"kind\":\"([A-Z_]+)\"");

    @TempDir
    Path dir;

    /** Correct lives only: every object is born, shared, released and destroyed in order. */
    private static void writeCorrectLives(final HistoryList list, final long base, final AtomicBoolean stop,
        final AtomicLong events, final AtomicReference<Throwable> failure)
    {
        try
        {
            long n = 0;
            while (!stop.get())
            {
                final History h = list.push(base + (n % 100));
                h.log(TestVerb.REF, "connect, (%d)", 1);
                final int sends = (int)(n % 23);
                for (int i = 0; i < sends; i++)
                {
                    h.log(TestVerb.REF, "share %d", i);
                    h.log(TestVerb.SEND, "send %d bytes", 100 + i);
                    h.log(TestVerb.UNREF, "unshare %d", i);
                }
                if (n % 3 == 0)
                {
                    h.unref();
                }
                else
                {
                    h.log(TestVerb.UNREF, "close, (%d)", 0);
                    h.log(TestVerb.DESTROY, "type=%d", 2);
                }
                events.addAndGet(3 + 3L * sends);
                n++;
            }
        }
        catch (final Throwable t)
        {
            failure.set(t);
        }
    }

    @Test
    void everyCommandReadsAFileBeingWritten() throws Exception
    {
        final Path path = dir.resolve("live.hist");
        final HistoryFile file = Histories.open(path);
        final HistoryList exact = file.list("exact", ListOptions.window(32).eventsPerObject(16).pinnedFirst(4));
        final HistoryList coarse = file.list("coarse", ListOptions.window(16).eventsPerObject(8).pinnedFirst(2)
            .clock(ClockMode.COARSE));
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong events = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] writers = {
            new Thread(() -> writeCorrectLives(exact, 0x10000, stop, events, failure), "live-writer-1"),
            new Thread(() -> writeCorrectLives(coarse, 0x20000, stop, events, failure), "live-writer-2")};
        for (final Thread writer : writers)
        {
            writer.start();
        }
        final String[][] commands = {
            {"info"}, {"info", "--json"}, {"objects"}, {"objects", "--json", "--live"}, {"check"}, {"check", "--json"},
            {"--obj", "0x10005"}, {"show", "--obj", "0x20005", "--json"}, {"objects", "--destroyed", "--limit", "5"}};
        final Map<String, Integer> outcomes = new TreeMap<>();
        final Map<String, Integer> anomalies = new TreeMap<>();
        int runs = 0;
        try
        {
            final long end = System.nanoTime() + RUN_FOR.toNanos();
            while (System.nanoTime() < end || runs < commands.length)
            {
                final String[] command = commands[runs++ % commands.length];
                final Cli.Result result = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> Cli.on(path, command));
                result.noStackTrace();
                assertTrue(result.code() == ExitCode.OK || result.code() == ExitCode.FOUND,
                    () -> "exit 0 or 1 on a live file" + result.describe());
                assertTrue(result.err().lines().allMatch(l -> l.startsWith("shdump: no history of ")),
                    () -> "nothing on stderr but 'not found'" + result.describe());
                outcomes.merge(String.join(" ", command) + " -> " + result.code(), 1, Integer::sum);
                if (command[0].equals("check") && command.length == 2)
                {
                    final Matcher m = KIND.matcher(result.out());
                    while (m.find())
                    {
                        anomalies.merge(m.group(1), 1, Integer::sum);
                    }
                }
            }
        }
        finally
        {
            stop.set(true);
            for (final Thread writer : writers)
            {
                writer.join();
            }
            file.close();
        }
        assertNull(failure.get(), "the writers ran without failing");
        System.out.println(runs + " runs while " + events.get() + " events were logged: " + outcomes +
            " anomalies " + anomalies);
        assertTrue(events.get() > 1000, "the file was being written: " + events.get() + " events");
        // Once the writers are done, the same file is clean.
        Cli.on(path, "check").exits(ExitCode.OK).outContains("no anomalies");
        // While they write, no anomaly either: a record whose slot is pushed again while it is read is
        // skipped, never reported CORRUPT (the reader re-checks the slot's generation before saying so).
        assertEquals(Map.of(), anomalies, "anomalies reported in correct lives while they were written");
    }
}
