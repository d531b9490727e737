package org.structhist.shdump;

import org.structhist.History;
import org.structhist.HistoryFile;

import java.nio.file.Paths;

/**
 * Child JVM of {@link StaleHandleTwinsTest}: {@code FILE HANDLE(hex) UNREFS}. A holder of an object the window
 * pushed out: through its handle it logs UNREFS UNREFs and a DESTROY, prints {@code DONE} and exits.
 */
public final class StaleHolderChild
{
    private StaleHolderChild()
    {
    }

    public static void main(final String[] args)
    {
        final HistoryFile file = Histories.open(Paths.get(args[0]));
        final History held = file.list(StaleHandleTwinsTest.LIST, StaleHandleTwinsTest.OPTIONS)
            .history(Long.parseUnsignedLong(args[1], 16));
        final int unrefs = Integer.parseInt(args[2]);
        for (int i = 0; i < unrefs; i++)
        {
            held.log(TestVerb.UNREF, "holder done %d", i);
        }
        held.log(TestVerb.DESTROY, "free");
        file.close();
        System.out.println("DONE");
        System.out.flush();
    }
}
