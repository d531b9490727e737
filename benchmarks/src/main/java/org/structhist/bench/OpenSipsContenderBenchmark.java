package org.structhist.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * OpenSIPS: what its {@code sh_log} does: a lock, then {@code vsnprintf} of the line into a 128-byte
 * buffer (see {@link OpenSipsHistory}); {@code *SameObject} shares one lock and history, {@code *OwnObject}
 * one each.
 * <p>
 * One contender of {@link ContenderBenchmark}, which holds the run settings, the event fields and what
 * the contenders share; JMH names its benchmarks {@code OpenSipsContenderBenchmark.*}, so the regex
 * {@code ContenderBenchmark} still selects them all.
 */
public class OpenSipsContenderBenchmark extends ContenderBenchmark
{
    /** MAX_SHLOG_SIZE in OpenSIPS's struct_hist.h. */
    static final int MAX_SHLOG_SIZE = 128;
    /** Entries kept per object, as struct history's benchmark keeps 64 (OpenSIPS grows its array instead). */
    static final int OPENSIPS_ENTRIES = 64;

    /**
     * One object's history the way OpenSIPS's lib/dbg/struct_hist.c {@code sh_log} records an event:
     * take the history's lock ({@code lock_get(&sh->wlock)}), take the next action, store verb, time and
     * pid, zero its 128-byte text ({@code memset(act->log, 0, MAX_SHLOG_SIZE)}), format the line into it
     * ({@code vsnprintf(act->log, MAX_SHLOG_SIZE, fmt, ap)}), release the lock. Differences, each on the
     * cheap side: the actions are a fixed ring of 64 (OpenSIPS reallocs the array when it is full), and the
     * time is {@code System.nanoTime()} (OpenSIPS reads a tick counter another process updates, which is
     * what struct history's coarse clock is). {@link #vsnprintf} is the formatter.
     */
    static final class OpenSipsHistory
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final int[] verbs = new int[OPENSIPS_ENTRIES];
        private final long[] times = new long[OPENSIPS_ENTRIES];
        private final int[] pids = new int[OPENSIPS_ENTRIES];
        private final byte[][] texts = new byte[OPENSIPS_ENTRIES][MAX_SHLOG_SIZE];
        /** vsnprintf's work area, reused under the lock: StringBuilder.append(long) writes digits in place. */
        private final StringBuilder line = new StringBuilder(MAX_SHLOG_SIZE);
        private long length;

        void log(final int verb, final String format, final long arg0, final long arg1)
        {
            lock.lock();
            try
            {
                final int action = (int)(length++ & (OPENSIPS_ENTRIES - 1));
                verbs[action] = verb;
                times[action] = System.nanoTime();
                pids[action] = (int)PID;
                final byte[] text = texts[action];
                Arrays.fill(text, (byte)0);
                vsnprintf(text, format, arg0, arg1);
            }
            finally
            {
                lock.unlock();
            }
        }

        /**
         * What vsnprintf does with "%d" conversions and literal text: walks the format at run time (it is
         * not compiled ahead), converts each argument to decimal, and writes at most size - 1 bytes and a
         * terminating NUL. Through a reused StringBuilder (append(long) writes the digits into its own
         * array, allocating nothing), then copied into the 128 bytes. Returns the length it would have
         * had untruncated, as vsnprintf does.
         */
        private int vsnprintf(final byte[] out, final String format, final long arg0, final long arg1)
        {
            final StringBuilder sb = line;
            sb.setLength(0);
            int argument = 0;
            final int formatLength = format.length();
            for (int i = 0; i < formatLength; i++)
            {
                final char c = format.charAt(i);
                if (c == '%' && i + 1 < formatLength)
                {
                    final char conversion = format.charAt(++i);
                    if (conversion == 'd')
                    {
                        sb.append(argument++ == 0 ? arg0 : arg1);
                        continue;
                    }
                    if (conversion != '%')
                    {
                        sb.append('%');
                    }
                    sb.append(conversion);
                    continue;
                }
                sb.append(c);
            }
            final int length = sb.length();
            final int n = Math.min(length, out.length - 1);
            for (int i = 0; i < n; i++)
            {
                out[i] = (byte)sb.charAt(i);
            }
            out[n] = 0;
            return length;
        }

        long length()
        {
            lock.lock();
            try
            {
                return length;
            }
            finally
            {
                lock.unlock();
            }
        }

        String lastText()
        {
            lock.lock();
            try
            {
                final byte[] text = texts[(int)((length - 1) & (OPENSIPS_ENTRIES - 1))];
                int end = 0;
                while (end < text.length && text[end] != 0)
                {
                    end++;
                }
                return new String(text, 0, end, StandardCharsets.US_ASCII);
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /** The verb's number in the C enum. */
    static final int OPENSIPS_TCP_REF = 1;

    @State(Scope.Benchmark)
    public static class OpenSipsShared extends SharedByThreads
    {
        final OpenSipsHistory history = new OpenSipsHistory();

        @Override
        void finish()
        {
            if (history.length() != 0)
            {
                checkHistory("opensips check", history);
            }
        }
    }

    static void checkHistory(final String what, final OpenSipsHistory history)
    {
        final String expected = "fmt " + LogBenchmark.ARG0 + " " + LogBenchmark.ARG1;
        System.out.println(what + ": events=" + history.length() + ", last text: " + history.lastText());
        if (!history.lastText().equals(expected))
        {
            throw new IllegalStateException("opensips: last text is '" + history.lastText() + "', not '" + expected +
                "'");
        }
    }

    @State(Scope.Thread)
    public static class OpenSipsThread
    {
        final OpenSipsHistory own = new OpenSipsHistory();
        long a = LogBenchmark.ARG0;
        long b = LogBenchmark.ARG1;

        @TearDown(Level.Trial)
        public void check(final OpenSipsShared shared) throws IOException
        {
            if (own.length() != 0)
            {
                checkHistory("opensips check (own object)", own);
            }
            shared.threadDone();
        }
    }

    @Benchmark
    public void opensipsLockFormat(final OpenSipsShared shared, final OpenSipsThread thread)
    {
        shared.history.log(OPENSIPS_TCP_REF, LogBenchmark.FORMAT, thread.a, thread.b);
    }

    @Benchmark
    @Threads(2)
    public void opensipsTwoThreadsSameObject(final OpenSipsShared shared, final OpenSipsThread thread)
    {
        shared.history.log(OPENSIPS_TCP_REF, LogBenchmark.FORMAT, thread.a, thread.b);
    }

    @Benchmark
    @Threads(2)
    public void opensipsTwoThreadsOwnObject(final OpenSipsShared shared, final OpenSipsThread thread)
    {
        thread.own.log(OPENSIPS_TCP_REF, LogBenchmark.FORMAT, thread.a, thread.b);
    }
}
