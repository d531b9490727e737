package org.structhist.process;

import org.structhist.HistoryFile;
import org.structhist.ListOptions;

/** Child of {@link FilePerRunProcessTest}: opens the default file, logs one event, prints {@code PATH <path>}. */
public final class DefaultFileChild
{
    private DefaultFileChild()
    {
    }

    public static void main(final String[] args)
    {
        ChildSupport.startWatchdog();
        try (HistoryFile file = HistoryFile.openDefault())
        {
            file.list("runs", ListOptions.window(4)).push(1)
                .log(ChildVerb.WRITE, "run of %d", ProcessHandle.current().pid());
            System.out.println("PATH " + file.path());
        }
        System.exit(0);
    }
}
