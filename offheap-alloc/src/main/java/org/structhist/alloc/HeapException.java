package org.structhist.alloc;

/** Anything the heap refuses or cannot do; the message is one sentence for the user. */
public class HeapException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public HeapException(final String message)
    {
        super(message);
    }

    public HeapException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
