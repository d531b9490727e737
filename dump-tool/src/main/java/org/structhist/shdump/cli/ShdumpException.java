package org.structhist.shdump.cli;

/** A failure to report as one sentence on stderr with an exit code, never as a stack trace. */
public class ShdumpException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ShdumpException(final int exitCode, final String message)
    {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode()
    {
        return exitCode;
    }
}
