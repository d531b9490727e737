package org.structhist.shdump.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.ClockMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's warm-up, with the real processes (tcp-main and three worker JVMs, the client on real
 * sockets): tcp-main serves the warm-up connections and then the measured ones, and its figure counts only
 * those closed in the measured window. At the window's opening at most {@link TcpServer#MAX_OPEN} warm-up
 * connections are still open; they are served inside it, so they count.
 */
class WarmupWindowTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern SERVED = Pattern.compile(Pattern.quote(TcpMainProcess.SERVED) +
        "(\\d+) connections in \\d+ ms after (\\d+) not counted \\(warm-up\\): (\\d+) connections/s");

    @TempDir
    Path dir;

    @Test
    void theWarmUpIsServedButOnlyTheWindowIsCounted() throws Exception
    {
        final int warmup = 25;
        final int measured = 10;
        final ProcessDemo.Result result = ProcessDemo.run(new ProcessDemo.Setup(dir, 3, measured, warmup, true,
            ClockMode.EXACT, false), TIMEOUT);
        final String output = String.join("\n", result.output());
        assertEquals(0, result.mainExitCode(), output);
        assertEquals(warmup + measured, result.clientServed(), "the client saw every connection served\n" + output);
        final Matcher served = served(result.output());
        assertTrue(served != null, "tcp-main reports its window\n" + output);
        assertEquals(warmup, Integer.parseInt(served.group(2)), served.group());
        final int counted = Integer.parseInt(served.group(1));
        assertTrue(counted >= measured && counted <= measured + TcpServer.MAX_OPEN,
            "counted " + counted + ": the measured connections and the warm-up ones still open\n" + output);
        assertEquals(Long.parseLong(served.group(3)), result.perSecond(), output);
    }

    @Test
    void withoutAWarmUpEveryConnectionIsCounted() throws Exception
    {
        final int connections = 12;
        final ProcessDemo.Result result = ProcessDemo.run(new ProcessDemo.Setup(dir, 3, connections, 0, false,
            ClockMode.EXACT, false), TIMEOUT);
        final String output = String.join("\n", result.output());
        assertEquals(0, result.mainExitCode(), output);
        assertEquals(connections, result.clientServed(), output);
        assertTrue(output.contains(TcpMainProcess.SERVED + connections + " connections in "), output);
        assertTrue(result.perSecond() > 0, output);
    }

    private static Matcher served(final List<String> lines)
    {
        for (final String line : lines)
        {
            final Matcher matcher = SERVED.matcher(line);
            if (matcher.find())
            {
                return matcher;
            }
        }
        return null;
    }
}
