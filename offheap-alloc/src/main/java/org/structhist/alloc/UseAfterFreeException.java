package org.structhist.alloc;

/**
 * An access through an address whose chunk is no longer allocated (or was reallocated since the
 * generation the caller holds).
 */
public final class UseAfterFreeException extends HeapException
{
    private static final long serialVersionUID = 1L;

    public UseAfterFreeException(final String message)
    {
        super(message);
    }
}
