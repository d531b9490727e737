package org.structhist.shdump.cli;

/** shdump's exit codes, for scripts (docs/CLI.md). */
public final class ExitCode
{
    /** Done; for {@code check}, no anomaly. */
    public static final int OK = 0;
    /** {@code check} found anomalies; {@code show --obj} found no history of that address. */
    public static final int FOUND = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The file is missing, unreadable, corrupt, or of a format version shdump does not read. */
    public static final int BAD_FILE = 3;
    /** A bug in shdump, not in the file or the command line. */
    public static final int INTERNAL_ERROR = 4;

    private ExitCode()
    {
    }
}
