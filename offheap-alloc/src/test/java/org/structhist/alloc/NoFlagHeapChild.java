package org.structhist.alloc;

import java.nio.file.Paths;

/**
 * Child of {@link MissingFlagHeapTest}, started without Agrona's {@code --add-exports} and with struct
 * history off: opens a heap catching {@code Exception} only, and prints {@code CAUGHT <class>: <message>}
 * or {@code OPENED}. An Error would escape main (exit 1, a stack trace).
 */
public final class NoFlagHeapChild
{
    private NoFlagHeapChild()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            SharedHeap.open(Paths.get(args[0]), 1L << 20).close();
            System.out.println("OPENED");
        }
        catch (final Exception ex)
        {
            System.out.println("CAUGHT " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
    }
}
