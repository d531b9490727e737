package org.structhist;

/**
 * A history file or list could not be opened, created or attached. The message is one sentence that
 * says what is wrong and, where there is one, what to do.
 */
public class StructHistoryException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public StructHistoryException(final String message)
    {
        super(message);
    }

    public StructHistoryException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
