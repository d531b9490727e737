package org.structhist.process;

import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;

import java.nio.file.Paths;

/**
 * Child of {@link SwitchOffProcessTest}, started without {@code -Dstructhist=true} and with
 * {@code -Dstructhist.file} naming a file: {@code FILE}. Uses the whole API the way an application
 * would, then checks that nothing was on: prints {@code PUSH_RETURNED_NOOP} and exits 0, or names
 * what was on and exits 1. Plain checks, not {@code assert}: the child runs without {@code -ea}.
 */
public final class SwitchOffChild
{
    private SwitchOffChild()
    {
    }

    public static void main(final String[] args)
    {
        ChildSupport.startWatchdog();
        final StringBuilder problems = new StringBuilder();
        if (StructHistory.ENABLED)
        {
            problems.append("StructHistory.ENABLED is true; ");
        }
        final HistoryFile byDefault = HistoryFile.openDefault();
        final HistoryFile byPath = HistoryFile.open(Paths.get(args[0]));
        for (final HistoryFile file : new HistoryFile[] {byDefault, byPath})
        {
            if (file.isEnabled() || file.path() != null)
            {
                problems.append("a file is enabled: ").append(file.path()).append("; ");
            }
            final HistoryList list = file.list("TCP con", ListOptions.window(4).eventsPerObject(8));
            final History sh = list.push(0x7f95_acf6_ea60L);
            sh.log(ChildVerb.WRITE, "connect, (%d)", 1);
            sh.log(ChildVerb.WRITE, "send %d, (%d)", 6, 1);
            sh.log(ChildVerb.WRITE, "text %s", "hello");
            sh.unref();
            if (sh != History.NOOP)
            {
                problems.append("push returned ").append(sh).append(", not History.NOOP; ");
            }
            final long handle = list.pushHandle(0x1234L);
            list.log(handle, ChildVerb.WRITE, "handle %d", handle);
            list.unref(handle);
            if (handle != 0)
            {
                problems.append("pushHandle returned ").append(Long.toHexString(handle)).append(", not 0; ");
            }
            if (list.history(handle) != History.NOOP)
            {
                problems.append("history(handle) is not History.NOOP; ");
            }
            file.close();
        }
        if (problems.length() > 0)
        {
            ChildSupport.println("PROBLEM " + problems);
            System.exit(1);
        }
        ChildSupport.println("PUSH_RETURNED_NOOP");
    }
}
