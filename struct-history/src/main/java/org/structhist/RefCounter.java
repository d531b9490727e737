package org.structhist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reference count for an ordinary Java object, with its history: the on-heap counterpart of
 * offheap-alloc's {@code RefCount}. It starts at 1 (the creator's reference) in a new incarnation of
 * {@code address} in {@code list}, and follows the Linux {@code refcount_t} rules:
 * <ul>
 * <li>{@link #ref} from zero is refused (the object is being destroyed: a ref now resurrects it), and so
 * is {@link #unref} below zero (one release too many). A refusal parks the count at {@link #SATURATED},
 * which no later ref or unref moves (the object is leaked rather than destroyed twice), logs the
 * refusal with the count it saw, and throws an {@link IllegalStateException} that says what and why.</li>
 * <li>The unref that reaches zero logs DESTROY, marks the history released ({@link History#unref()})
 * and returns true: the caller frees the object.</li>
 * </ul>
 * Every event carries the count its own atomic operation produced (a field of the event, see
 * {@link History#log(Verb, int, String)}), so the audit judges by counts, never by the order in which
 * threads happened to log. Lock-free; nothing allocates unless a refusal throws.
 * <pre>{@code
 * RefCounter refs = new RefCounter(connections, connectionId, "accept");
 * refs.ref("send2child");
 * if (refs.unref("tcpworker done")) { close(connection); }
 * }</pre>
 * The count lives on the Java heap: it is one process's. Threads of many processes can log to the same
 * history through {@link #handle()}, but only this object counts.
 */
public final class RefCounter
{
    /** Where a refused count is parked: far from 0 and from overflow, as refcount_t does. */
    public static final int SATURATED = Integer.MIN_VALUE / 2;

    private static final VarHandle COUNT;

    static
    {
        try
        {
            COUNT = MethodHandles.lookup().findVarHandle(RefCounter.class, "count", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final History history;
    private final Verb refVerb;
    private final Verb unrefVerb;
    private final Verb destroyVerb;
    private final Verb refusedVerb;
    @SuppressWarnings("unused") // through COUNT
    private volatile int count;

    /** Count 1, a new incarnation of {@code address} in {@code list}, with the {@link RefCounterVerb}s. */
    public RefCounter(final HistoryList list, final long address, final String why)
    {
        this(list, address, why, RefCounterVerb.REF, RefCounterVerb.UNREF, RefCounterVerb.DESTROY,
            RefCounterVerb.REFCOUNT_REFUSED);
    }

    /**
     * Count 1, a new incarnation of {@code address} in {@code list}, logging the given verbs (their effects
     * should be REF, UNREF, DESTROY and CAUGHT: a refusal is a bug the audit flags as CAUGHT_BY_LIBRARY). The
     * creation is logged with {@code ref} and count 1.
     */
    public RefCounter(final HistoryList list, final long address, final String why,
        final Verb ref, final Verb unref, final Verb destroy, final Verb refused)
    {
        this.history = list.push(address);
        this.refVerb = ref;
        this.unrefVerb = unref;
        this.destroyVerb = destroy;
        this.refusedVerb = refused;
        COUNT.setRelease(this, 1);
        history.log(refVerb, 1, why);
    }

    /**
     * Takes a reference; the new count.
     *
     * @throws IllegalStateException if the count was 0 (a resurrection), saturated, or would overflow:
     *                               the refusal is logged and the count saturated.
     */
    public int ref(final String why)
    {
        while (true)
        {
            final int seen = (int)COUNT.getVolatile(this);
            if (seen <= 0 || seen == Integer.MAX_VALUE)
            {
                throw refuse(seen, seen == 0 ? "ref from 0 (the object is being destroyed)" :
                    seen == Integer.MAX_VALUE ? "ref would overflow" : "ref of a saturated count", why);
            }
            if (COUNT.compareAndSet(this, seen, seen + 1))
            {
                history.log(refVerb, seen + 1, why);
                return seen + 1;
            }
        }
    }

    /**
     * Drops a reference. Returns true when it was the last one: DESTROY is logged and the history
     * released, and the caller destroys the object.
     *
     * @throws IllegalStateException if the count was 0 or saturated (one unref too many): the refusal is
     *                               logged and the count saturated.
     */
    public boolean unref(final String why)
    {
        while (true)
        {
            final int seen = (int)COUNT.getVolatile(this);
            if (seen <= 0)
            {
                throw refuse(seen, seen == 0 ? "unref below 0" : "unref of a saturated count", why);
            }
            if (COUNT.compareAndSet(this, seen, seen - 1))
            {
                history.log(unrefVerb, seen - 1, why);
                if (seen == 1)
                {
                    history.log(destroyVerb, 0, why);
                    history.unref();
                    return true;
                }
                return false;
            }
        }
    }

    /** The count now ({@link #SATURATED} after a refusal). */
    public int count()
    {
        return (int)COUNT.getVolatile(this);
    }

    /** The handle of this object's history (0 when struct history is off): log to it from anywhere. */
    public long handle()
    {
        return history.handle();
    }

    /** This object's history. */
    public History history()
    {
        return history;
    }

    private IllegalStateException refuse(final int seen, final String what, final String why)
    {
        // Only from the count this call saw: a racing refusal has parked it already.
        COUNT.compareAndSet(this, seen, SATURATED);
        history.log(refusedVerb, seen, why); // the verb says refused; the count is the one that was refused
        return new IllegalStateException(what + " refused (count was " + seen + ", now saturated at " + SATURATED +
            ": the object is leaked rather than destroyed twice): " + why);
    }

    @Override
    public String toString()
    {
        return "RefCounter[count=" + count() + ", " + history + "]";
    }
}
