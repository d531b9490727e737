package org.structhist.shdump;

import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Paths;

/**
 * Child JVM of {@link LeakAtDeathTest}: {@code FILE}. Writes four histories into list "conn", prints
 * the handle of the last one, and halts without closing the file, as a crash would: its writer entry
 * stays attached while its pid dies.
 * <ul>
 * <li>0xdead0: a ref, a send, and then nothing: live when its process died (leaked);</li>
 * <li>0xdead1: ref, unref, destroy: a clean life;</li>
 * <li>0xdead2: a ref and {@code unref()}: its owner was done with it;</li>
 * <li>0xdead3: a ref; the test JVM, alive, logs to it through the printed handle.</li>
 * </ul>
 */
public final class DyingWriter
{
    static final String LIST = "conn";
    static final ListOptions OPTIONS = ListOptions.window(8).eventsPerObject(8);

    private DyingWriter()
    {
    }

    public static void main(final String[] args)
    {
        final HistoryFile file = Histories.open(Paths.get(args[0]));
        final HistoryList list = file.list(LIST, OPTIONS);
        final History leaked = list.push(0xdead0);
        leaked.log(TestVerb.REF, "connect, (%d)", 1);
        leaked.log(TestVerb.SEND, "send %d", 6);
        final History freed = list.push(0xdead1);
        freed.log(TestVerb.REF, "connect, (%d)", 1);
        freed.log(TestVerb.UNREF, "close, (%d)", 0);
        freed.log(TestVerb.DESTROY, "type=%d", 2);
        final History released = list.push(0xdead2);
        released.log(TestVerb.REF, "connect, (%d)", 1);
        released.unref();
        final History shared = list.push(0xdead3);
        shared.log(TestVerb.REF, "connect, (%d)", 1);
        System.out.println("HANDLE " + Long.toHexString(shared.handle()));
        System.out.flush();
        // No close(), no shutdown hooks: the process is gone as if killed.
        Runtime.getRuntime().halt(0);
    }
}
