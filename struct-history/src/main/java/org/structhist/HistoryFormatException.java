package org.structhist;

/**
 * The file is not a history file this code can read: missing, truncated, corrupt, still being
 * initialised, or of another format version. The message is one sentence naming the file and what
 * is wrong with it. This is the only exception {@code HistoryReader} throws for bad file content.
 */
public class HistoryFormatException extends StructHistoryException
{
    private static final long serialVersionUID = 1L;

    public HistoryFormatException(final String message)
    {
        super(message);
    }

    public HistoryFormatException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
