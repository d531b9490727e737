package org.structhist.alloc;

/** No chunk of the needed size is free and no pages are left to carve one from. */
public final class HeapExhaustedException extends HeapException
{
    private static final long serialVersionUID = 1L;

    public HeapExhaustedException(final String message)
    {
        super(message);
    }
}
