package org.structhist.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Notices that a mapped file became shorter than its layout: whoever can write the file can truncate
 * it, and a load or store to a mapped page past the new end raises SIGBUS. The {@link Ticker} asks
 * every period; the process then detaches and stops touching the mapping. The watch keeps its own
 * descriptor, so it follows the file it opened even when the name is later replaced.
 */
public final class LengthWatch implements AutoCloseable
{
    private final FileChannel channel;
    private final long length;

    private LengthWatch(final FileChannel channel, final long length)
    {
        this.channel = channel;
        this.length = length;
    }

    /** A watch on {@code path} for {@code length} bytes; one that never fires if the file cannot be opened. */
    public static LengthWatch open(final Path path, final long length)
    {
        try
        {
            return new LengthWatch(FileChannel.open(path, StandardOpenOption.READ), length);
        }
        catch (final IOException | RuntimeException ex)
        {
            return new LengthWatch(null, length);
        }
    }

    /** Whether the file is now shorter than the length it was mapped with. */
    public boolean shrank()
    {
        if (channel == null)
        {
            return false;
        }
        try
        {
            return channel.size() < length;
        }
        catch (final IOException ex)
        {
            return false; // closed under us (close raced the ticker): nothing to tell
        }
    }

    @Override
    public void close()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // A read-only descriptor has nothing to flush.
            }
        }
    }
}
