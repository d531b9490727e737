package org.structhist.process;

import org.structhist.HistoryFile;

import java.nio.file.Paths;

/**
 * Child of {@link MissingFlagProcessTest}, started without Agrona's {@code --add-exports}: opens
 * {@code FILE} the way an application would, catching {@code Exception} only. Prints
 * {@code CAUGHT <class>: <message>}, or {@code OPENED}; an Error escapes main (exit 1, a stack trace).
 */
public final class NoFlagChild
{
    private NoFlagChild()
    {
    }

    public static void main(final String[] args)
    {
        ChildSupport.startWatchdog();
        try
        {
            HistoryFile.open(Paths.get(args[0])).close();
            System.out.println("OPENED");
        }
        catch (final Exception ex)
        {
            System.out.println("CAUGHT " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
        System.exit(0);
    }
}
