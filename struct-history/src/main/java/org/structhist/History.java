package org.structhist;

import static org.structhist.format.EventDescriptor.FLAG_COUNT;

/**
 * The history of one incarnation of one object (OpenSIPS {@code struct struct_hist}). Made by
 * {@link HistoryList#push} or {@link HistoryList#history(long)}; a thin holder of the list and the
 * handle, so logging through it costs the same as {@code list.log(handle, ...)}.
 * <pre>{@code
 * History sh = tcp.push(address);
 * sh.log(TcpVerb.TCP_REF, "connect, (%d)", refcnt);
 * sh.unref();
 * }</pre>
 * Events logged after the incarnation has dropped out of the window are not written: they are counted
 * as stale, so they can never appear in the history of the slot's next occupant.
 * <p>
 * Its {@code log} methods check the switch and go straight to the list's writer: a History other than
 * {@link #NOOP} has an enabled list, so the list's own check is not repeated.
 */
public final class History
{
    /** What every call returns when struct history is off: does nothing. */
    public static final History NOOP = new History(null, 0);

    private final HistoryList list;
    private final long handle;

    History(final HistoryList list, final long handle)
    {
        this.list = list;
        this.handle = handle;
    }

    /** The handle: store it (in shared memory too) and get this history back with {@link HistoryList#history}. */
    public long handle()
    {
        return handle;
    }

    /** The list this history is in; null for {@link #NOOP}. */
    public HistoryList list()
    {
        return list;
    }

    /** Logs {@code verb} with a format that takes no arguments. */
    public void log(final Verb verb, final String format)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, 0, 0, 0, 0);
    }

    /** Logs {@code verb}; {@code format} ({@code %d}, {@code %x}, {@code %s}...) is applied when read. */
    public void log(final Verb verb, final String format, final long arg0)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, 1, arg0, 0, 0);
    }

    public void log(final Verb verb, final String format, final long arg0, final long arg1)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, 2, arg0, arg1, 0);
    }

    public void log(final Verb verb, final String format, final long arg0, final long arg1, final long arg2)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, 3, arg0, arg1, arg2);
    }

    /**
     * Logs {@code verb} with the object's reference count after the operation, as the caller's own atomic
     * operation returned it ({@code int r = refs.decrementAndGet(); sh.log(UNREF, r, "unref");}): the audit
     * judges by these counts, not by the order in which threads happened to log.
     */
    public void log(final Verb verb, final int count, final String format)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, FLAG_COUNT, 0, 0, count);
    }

    /** Logs {@code verb} with the count after the operation and one argument. */
    public void log(final Verb verb, final int count, final String format, final long arg0)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, FLAG_COUNT | 1, arg0, 0, count);
    }

    /** Logs {@code verb} with the count after the operation and two arguments. */
    public void log(final Verb verb, final int count, final String format, final long arg0, final long arg1)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logLongs(handle, verb, format, FLAG_COUNT | 2, arg0, arg1, count);
    }

    /**
     * Logs {@code verb} with one text argument, copied into the event (see {@link HistoryList#log(long, Verb,
     * String, CharSequence)}).
     */
    public void log(final Verb verb, final String format, final CharSequence text)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.logText(handle, verb, format, text);
    }

    /** OpenSIPS {@code sh_unref}: the owner is done with the object; its history stays in the window. */
    public void unref()
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.unref(handle);
    }

    /** Writes this history as text. */
    public void flush(final Appendable out)
    {
        if (!StructHistory.ENABLED || list == null)
        {
            return;
        }
        list.flush(handle, out);
    }

    @Override
    public String toString()
    {
        return list == null ? "History[noop]" :
            "History[list='" + list.name() + "', push #" + HistoryList.pushNumber(handle) + "]";
    }
}
