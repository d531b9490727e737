package org.structhist.shdump;

import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.ListOptions;

import java.nio.file.Path;

/**
 * Child of {@link RunFilterTest}: one run of an application on a shared file. Pushes 0xa1 and logs a
 * double unref from its own pid, prints {@code DONE}, and exits without close (the exit hook detaches).
 */
public final class RunWriter
{
    private RunWriter()
    {
    }

    public static void main(final String[] args)
    {
        final HistoryFile file = Histories.open(Path.of(args[0]));
        final History sh = file.list("conn", ListOptions.window(16).eventsPerObject(8)).push(0xa1);
        sh.log(TestVerb.REF, "run of pid %d", ProcessHandle.current().pid());
        sh.log(TestVerb.UNREF, "unref");
        sh.log(TestVerb.UNREF, "unref again");
        System.out.println("DONE");
    }
}
