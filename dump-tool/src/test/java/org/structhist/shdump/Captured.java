package org.structhist.shdump;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Output of a shdump run that another thread may read while it runs: {@link StringWriter} appends to a
 * synchronized buffer, so {@link #text()} is safe at any time and {@link #await} can wait for a line as a
 * handshake instead of sleeping.
 */
final class Captured
{
    private final StringWriter buffer = new StringWriter();
    final PrintWriter writer = new PrintWriter(buffer, true);

    String text()
    {
        return buffer.toString();
    }

    List<String> lines()
    {
        final String text = text();
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Waits until the output contains {@code needle}; fails after {@code timeout}, with {@code context}. */
    void await(final String needle, final Duration timeout, final java.util.function.Supplier<String> context)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!text().contains(needle))
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("no '" + needle + "' within " + timeout + "; output so far:\n" + text() + "\n" + context.get());
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for '" + needle + "'");
            }
        }
    }
}
