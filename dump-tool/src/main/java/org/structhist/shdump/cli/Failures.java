package org.structhist.shdump.cli;

import org.structhist.HistoryFormatException;
import org.structhist.alloc.HeapException;

import java.io.PrintWriter;

/**
 * What a failure becomes for the user: an exit code and one sentence on stderr, the stack trace only with
 * {@code --debug}. Shdump's handlers and the heap reader's guard share it, so that a cut-short file, a
 * corrupt one and a bug in shdump read the same wherever they are noticed.
 */
public final class Failures
{
    private Failures()
    {
    }

    /** HotSpot's word for a SIGBUS on a mapped page: a file cut short under the mapping. */
    public static boolean isTruncation(final Throwable ex)
    {
        return ex instanceof InternalError && String.valueOf(ex.getMessage()).contains("unsafe memory access");
    }

    /** The failure to report when {@code file} was cut short while shdump had it mapped. */
    public static ShdumpException truncated(final Object file)
    {
        return new ShdumpException(ExitCode.BAD_FILE, file + " was truncated by another process while shdump read it");
    }

    /** One sentence for {@code ex} on {@code err}, and with {@code debug} its stack trace; returns the exit code. */
    public static int report(final Throwable ex, final PrintWriter err, final boolean debug)
    {
        return report(ex, err, debug, ex);
    }

    /** One sentence for {@code ex}, and with {@code debug} the stack trace of {@code cause}; returns the exit code. */
    public static int report(final Throwable ex, final PrintWriter err, final boolean debug, final Throwable cause)
    {
        final int code;
        final String message;
        if (ex instanceof ShdumpException)
        {
            code = ((ShdumpException)ex).exitCode();
            message = ex.getMessage();
        }
        else if (ex instanceof HistoryFormatException || ex instanceof HeapException)
        {
            // A heap file's HeapException is its reader's one sentence on a missing, unreadable or corrupt file.
            code = ExitCode.BAD_FILE;
            message = ex.getMessage();
        }
        else
        {
            code = ExitCode.INTERNAL_ERROR;
            message = "internal error (" + ex + ")" + (debug ? "" : "; run again with --debug and report it");
        }
        err.println("shdump: " + message);
        if (debug)
        {
            cause.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
