package org.structhist.process;

import org.structhist.HistoryFile;
import org.structhist.ListOptions;

import java.nio.file.Paths;

/**
 * Child of {@link CleanExitProcessTest}: opens {@code FILE}, logs one event, prints {@code OPEN}, then
 * with {@code exit} returns from main without closing the file (a normal exit), with {@code wait}
 * waits to be killed.
 */
public final class ExitChild
{
    private ExitChild()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[0]));
        file.list("exits", ListOptions.window(4)).push(1)
            .log(ChildVerb.WRITE, "opened by %d", ProcessHandle.current().pid());
        System.out.println("OPEN");
        System.out.flush();
        if ("wait".equals(args[1]))
        {
            Thread.sleep(120_000);
        }
        // No close(): main returns, the watchdog threads are daemons, the JVM exits normally.
    }
}
