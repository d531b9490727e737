package org.structhist.io;

import java.io.IOException;

/**
 * A file or directory that is not safe to open: a symlink, not a regular file, another user's, writable by
 * others. Its message is the whole sentence for the user, naming the path, its owner and mode, and what to do.
 */
public final class UnsafeFileException extends IOException
{
    private static final long serialVersionUID = 1L;

    public UnsafeFileException(final String message)
    {
        super(message);
    }
}
