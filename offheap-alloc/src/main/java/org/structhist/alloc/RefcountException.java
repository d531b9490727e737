package org.structhist.alloc;

/**
 * A refcount helper refused to corrupt a count: a ref from zero (the object is being destroyed) or an unref below zero.
 * The count is left saturated, the event logged.
 */
public final class RefcountException extends HeapException
{
    private static final long serialVersionUID = 1L;

    public RefcountException(final String message)
    {
        super(message);
    }
}
