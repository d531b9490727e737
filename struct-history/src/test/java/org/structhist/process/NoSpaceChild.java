package org.structhist.process;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.StructHistoryException;

import java.nio.file.Paths;

/**
 * Child of {@link NoSpaceProcessTest}: creates {@code FILE} of {@code BYTES} under a file-size limit
 * that cannot hold it. Prints {@code REFUSED <message>} and exits 0 if structhist refused cleanly,
 * {@code CREATED} and exits 1 if it did not notice.
 */
public final class NoSpaceChild
{
    private NoSpaceChild()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final HistoryFile file = HistoryFile.open(Paths.get(args[0]),
                FileOptions.defaults().sizeBytes(Long.parseLong(args[1])));
            file.list("conns").push(1).log(ChildVerb.WRITE, "written");
            System.out.println("CREATED");
            System.exit(1);
        }
        catch (final StructHistoryException ex)
        {
            System.out.println("REFUSED " + ex.getMessage());
        }
    }
}
