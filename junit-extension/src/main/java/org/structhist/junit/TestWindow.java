package org.structhist.junit;

import java.util.Map;

/**
 * One test's stretch of the run: the thread that ran it, from when its {@code beforeEach} began to when its
 * {@code afterEach} began (in this JVM's {@link System#nanoTime()}), and each list's push count when it
 * began (a watermark: no earlier push can be this test's).
 */
final class TestWindow
{
    static final long OPEN = Long.MAX_VALUE;

    final String name;
    final long threadId;
    final String threadName;
    final long startNanos;
    /** Push count of each list (by index) when the test began; a list missing here was made since. */
    final Map<Integer, Long> pushedAtStart;
    private volatile long endNanos = OPEN;
    private volatile boolean audited;

    TestWindow(final String name, final Thread thread, final long startNanos, final Map<Integer, Long> pushedAtStart)
    {
        this.name = name;
        this.threadId = threadIdOf(thread);
        this.threadName = thread.getName();
        this.startNanos = startNanos;
        this.pushedAtStart = pushedAtStart;
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+; the library records getId() too.
    static long threadIdOf(final Thread thread)
    {
        return (int)thread.getId(); // the history file keeps thread ids as ints
    }

    void close(final long nanos)
    {
        endNanos = nanos;
    }

    void markAudited()
    {
        audited = true;
    }

    boolean audited()
    {
        return audited;
    }

    long endNanos()
    {
        return endNanos;
    }

    /** Whether {@code nanos} falls in this window (an open window has no end yet). */
    boolean covers(final long nanos)
    {
        return nanos - startNanos >= 0 && (endNanos == OPEN || endNanos - nanos >= 0);
    }

    long pushedAtStart(final int listIndex)
    {
        return pushedAtStart.getOrDefault(listIndex, 0L);
    }

    @Override
    public String toString()
    {
        return name;
    }
}
