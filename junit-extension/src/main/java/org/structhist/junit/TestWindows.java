package org.structhist.junit;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells the tests of one JVM apart, in parallel too: each object belongs to the test whose window its push
 * falls in. Where tests overlap (JUnit's parallel execution), an object pushed by the thread that runs a test
 * is that test's; one pushed by any other thread (a pool the test started, another process) is the test's
 * only when no other test's window holds the push too, and is otherwise {@link Owner#AMBIGUOUS}.
 * <p>
 * A window is kept after its test's audit while a test still running or being audited began before it ended:
 * that test's audit still needs it to tell an overlapping push apart.
 */
final class TestWindows
{
    /** Whose an object is, as seen from one test. */
    enum Owner
    {
        MINE,
        OTHERS,
        /** Pushed by a thread that runs no test while more than one test ran: cannot be told. */
        AMBIGUOUS
    }

    private final List<TestWindow> windows = new ArrayList<>();

    synchronized void open(final TestWindow window)
    {
        windows.add(window);
    }

    /** Ends {@code window} at {@code nanos}: its test's audit follows, and still needs the windows beside it. */
    synchronized void close(final TestWindow window, final long nanos)
    {
        window.close(nanos);
    }

    /**
     * Forgets what no test still running or being audited can need: windows of audited tests that ended
     * before the oldest of those began.
     */
    synchronized void audited(final TestWindow window)
    {
        window.markAudited();
        long oldestActiveStart = TestWindow.OPEN;
        for (final TestWindow w : windows)
        {
            if (!w.audited() && (oldestActiveStart == TestWindow.OPEN || w.startNanos - oldestActiveStart < 0))
            {
                oldestActiveStart = w.startNanos;
            }
        }
        final long keepFrom = oldestActiveStart;
        windows.removeIf(w -> w.audited() && (keepFrom == TestWindow.OPEN || w.endNanos() - keepFrom < 0));
    }

    /**
     * Whose the push at {@code pushNanos} (this JVM's nanoTime) by thread {@code threadId} of this JVM (or of
     * another process: {@code ownThread} false) is, as seen from {@code me}.
     */
    synchronized Owner owner(final TestWindow me, final long pushNanos, final long threadId, final boolean ownThread,
        final List<String> others)
    {
        if (ownThread)
        {
            if (me.threadId == threadId && me.covers(pushNanos))
            {
                return Owner.MINE;
            }
            for (final TestWindow w : windows)
            {
                if (w != me && w.threadId == threadId && w.covers(pushNanos))
                {
                    return Owner.OTHERS;
                }
            }
        }
        if (!me.covers(pushNanos))
        {
            return Owner.OTHERS;
        }
        for (final TestWindow w : windows)
        {
            if (w != me && w.covers(pushNanos))
            {
                others.add(w.name);
            }
        }
        return others.isEmpty() ? Owner.MINE : Owner.AMBIGUOUS;
    }
}
