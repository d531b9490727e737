package org.structhist.alloc.format;

import org.structhist.alloc.HeapException;

/** A heap file this code cannot read: not a heap, another format version, or corrupt. One sentence. */
public final class HeapFormatException extends HeapException
{
    private static final long serialVersionUID = 1L;

    public HeapFormatException(final String message)
    {
        super(message);
    }
}
