package org.structhist.stress;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistoryException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Child of {@link FullTmpfsTest}: {@code FILE BYTES FILLER}. Creates the history file, then fills the
 * filesystem to the last byte with FILLER, then logs into every record of a list that takes the rest of
 * the file. Prints {@code REFUSED <message>} if the file could not be created, else {@code FULL <bytes
 * of filler>} and {@code LOGGED <events>}. Had the file been created sparse, a store into a page that was
 * never allocated would die with SIGBUS here, with the filesystem full.
 */
public final class FullTmpfsChild
{
    private FullTmpfsChild()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final HistoryFile file;
        try
        {
            file = HistoryFile.open(Paths.get(args[0]), FileOptions.defaults().sizeBytes(Long.parseLong(args[1])));
        }
        catch (final StructHistoryException ex)
        {
            System.out.println("REFUSED " + ex.getMessage());
            return;
        }
        long filled = 0;
        try (OutputStream out = Files.newOutputStream(Paths.get(args[2])))
        {
            final byte[] block = new byte[4096];
            while (true)
            {
                out.write(block);
                out.flush();
                filled += block.length;
            }
        }
        catch (final IOException ex)
        {
            // ENOSPC: the filesystem is full now.
        }
        System.out.println("FULL " + filled);
        final HistoryList list = file.list("all", ListOptions.window(64).eventsPerObject(64));
        long events = 0;
        for (int object = 0; object < 64; object++)
        {
            final long handle = list.pushHandle(object);
            for (int e = 0; e < 64; e++)
            {
                list.log(handle, StressVerb.WRITE, "object %d event %d", object, e);
                events++;
            }
        }
        System.out.println("LOGGED " + events);
    }
}
