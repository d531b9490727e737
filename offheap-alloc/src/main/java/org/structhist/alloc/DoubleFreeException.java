package org.structhist.alloc;

/**
 * A free of a chunk that is not allocated: freed twice, or never handed out at that address. The message names the
 * chunk's state, generation and who freed it.
 */
public final class DoubleFreeException extends HeapException
{
    private static final long serialVersionUID = 1L;

    public DoubleFreeException(final String message)
    {
        super(message);
    }
}
