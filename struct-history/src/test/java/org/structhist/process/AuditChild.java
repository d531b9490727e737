package org.structhist.process;

import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;

import java.nio.file.Paths;

/**
 * Child of {@link AuditAcrossProcessesTest}: {@code FILE push:ADDRESS|handle:HEX VERB...}. Pushes the
 * address into {@link #LIST} (printing {@code HANDLE hex}) or takes the history of a handle another process
 * made, then logs each {@link AuditVerb} named, in order, and prints {@code DONE}.
 */
public final class AuditChild
{
    static final String LIST = "owners";

    private AuditChild()
    {
    }

    public static void main(final String[] args)
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[0]));
        final HistoryList list = file.list(LIST, AuditAcrossProcessesTest.OPTIONS);
        final History sh;
        if (args[1].startsWith("push:"))
        {
            sh = list.push(Long.parseUnsignedLong(args[1].substring("push:".length()), 16));
            ChildSupport.println("HANDLE " + Long.toHexString(sh.handle()));
        }
        else
        {
            sh = list.history(Long.parseUnsignedLong(args[1].substring("handle:".length()), 16));
        }
        for (int i = 2; i < args.length; i++)
        {
            sh.log(AuditVerb.valueOf(args[i]), "child " + args[i].toLowerCase(java.util.Locale.ROOT));
        }
        file.close();
        ChildSupport.println("DONE");
    }
}
