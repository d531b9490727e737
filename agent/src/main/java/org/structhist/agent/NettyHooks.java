package org.structhist.agent;

import org.structhist.HistoryList;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the advice inlined into Netty's classes calls. Public and static because the advice runs inside
 * Netty's classes; it names no Netty type (see {@link NettyMethods}). Nothing here throws: a failure to
 * record is counted, said once on stderr, and the application goes on exactly as without the agent.
 * <p>
 * Garbage-free on every path Netty takes per buffer (birth, retain, release, a touch whose hint is a
 * handler context or a string); a touch with a hint of another type logs {@code hint.toString()}.
 */
public final class NettyHooks
{
    /** retain(n)/release(n) log one event per reference up to this n; above it the count is not followed. */
    static final int MAX_EVENTS_PER_CALL = 8;

    /** Wrappers of slices of wrappers...: deeper than this is not a buffer Netty made. */
    private static final int MAX_UNWRAP_DEPTH = 16;

    private static final AtomicLong FAILURES = new AtomicLong();
    private static final String ILLEGAL_REFCNT = "IllegalReferenceCountException";

    /** Set once by the agent's premain, before any Netty class is instrumented (so before any hook runs). */
    private static HistoryList list = null;

    private NettyHooks()
    {
    }

    static void install(final HistoryList historyList)
    {
        list = historyList;
    }

    /** How many events could not be recorded. */
    public static long failures()
    {
        return FAILURES.get();
    }

    /**
     * The handle of {@code self}'s current incarnation, read on entry to retain/release/touch (a release
     * that deallocates may hand the object to another thread's allocation before the method returns). An
     * object never seen before (made without an allocator, e.g. {@code Unpooled.wrappedBuffer}) begins
     * its first incarnation here.
     */
    public static long handleOf(final Object self)
    {
        try
        {
            final HistoryCarrier carrier = (HistoryCarrier)self;
            final long handle = carrier.structhist$handle();
            return handle != 0 ? handle : begin(carrier, self, "first seen, made outside an allocator");
        }
        catch (final Throwable t)
        {
            failed(t);
            return 0;
        }
    }

    /** On return from an allocator's directBuffer/heapBuffer/composite*Buffer: a new incarnation. */
    public static void allocated(final Object buffer, final int capacity)
    {
        try
        {
            final HistoryCarrier carrier = countOwner(buffer);
            if (carrier != null)
            {
                final long handle = push(carrier, carrier);
                list.log(handle, NettyVerb.ALLOC, "allocated, capacity %d", capacity);
            }
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /**
     * On return from retainedSlice(int, int)/retainedDuplicate(): a derived buffer with a count of its own
     * (Netty's pooled derived buffers) is an object of its own, with a new incarnation; one that shares
     * its parent's count (the unpooled slice of {@code slice().retain()}) is not a {@link HistoryCarrier}
     * and logs to its parent through the parent's retain/release.
     */
    public static void derived(final Object parent, final Object result, final long calledAt)
    {
        try
        {
            if (result != parent && result instanceof HistoryCarrier)
            {
                final HistoryCarrier carrier = (HistoryCarrier)result;
                final long born = carrier.structhist$born();
                if (born != 0 && born - calledAt >= 0)
                {
                    return; // begun inside this call, by a method this one called (a wrapper's passes it out)
                }
                carrier.structhist$born(System.nanoTime());
                final long handle = push(carrier, result);
                list.log(handle, NettyVerb.ALLOC, "retained slice or duplicate, with a count of its own");
            }
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /** On return from retain()/retain(n). */
    public static void retained(final long handle, final int increment, final Throwable thrown)
    {
        try
        {
            if (thrown != null)
            {
                refused(handle, NettyVerb.ILLEGAL_RETAIN, thrown);
            }
            else if (increment > MAX_EVENTS_PER_CALL)
            {
                list.log(handle, NettyVerb.COUNT_NOT_FOLLOWED, "retain(%d)", increment);
            }
            else
            {
                for (int i = 0; i < increment; i++)
                {
                    list.log(handle, NettyVerb.RETAIN, "retain");
                }
            }
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /** On return from release()/release(n): {@code released} true means the count reached exactly zero. */
    public static void released(final long handle, final int decrement, final boolean released, final Throwable thrown)
    {
        try
        {
            if (thrown != null)
            {
                refused(handle, NettyVerb.ILLEGAL_RELEASE, thrown);
            }
            else if (decrement > MAX_EVENTS_PER_CALL)
            {
                list.log(handle, NettyVerb.COUNT_NOT_FOLLOWED, "release(%d)", decrement);
                if (released)
                {
                    releasedToZero(handle);
                }
            }
            else
            {
                final int plainReleases = released ? decrement - 1 : decrement;
                for (int i = 0; i < plainReleases; i++)
                {
                    list.log(handle, NettyVerb.RELEASE, "release");
                }
                if (released)
                {
                    releasedToZero(handle);
                }
            }
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /** On return from touch(hint) of the object that holds the count. */
    public static void touched(final long handle, final Object hint)
    {
        try
        {
            list.log(handle, NettyVerb.TOUCH, "%s", NettyMethods.hintText(hint));
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /**
     * On return from touch(hint) of a leak-detection wrapper, which records the hint for Netty's leak
     * report and does not pass it on: logged to the buffer that holds the count.
     */
    public static void wrapperTouched(final Object wrapper, final Object hint)
    {
        try
        {
            final HistoryCarrier owner = countOwner(wrapper);
            if (owner != null)
            {
                touched(handleOf(owner), hint);
            }
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /** On an IllegalReferenceCountException out of {@code ensureAccessible()}: an access after the last release. */
    public static void accessRefused(final Object self, final Throwable thrown)
    {
        try
        {
            if (self instanceof HistoryCarrier)
            {
                refused(((HistoryCarrier)self).structhist$handle(), NettyVerb.ILLEGAL_ACCESS, thrown);
            }
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /**
     * The one place the count after the operation is known exactly: release() returned true, so it is
     * zero, and both events carry that count. Logged as RELEASE then DESTROY so the audit's refcount,
     * followed from the verbs, reaches 0 before the DESTROY.
     */
    private static void releasedToZero(final long handle)
    {
        list.log(handle, NettyVerb.RELEASE, 0, "release, count now 0");
        list.log(handle, NettyVerb.DESTROY, 0, "count 0: deallocated");
    }

    private static void refused(final long handle, final NettyVerb verb, final Throwable thrown)
    {
        if (thrown.getClass().getName().endsWith(ILLEGAL_REFCNT))
        {
            final String message = thrown.getMessage();
            list.log(handle, verb, "%s", message == null ? ILLEGAL_REFCNT : message);
        }
    }

    private static long begin(final HistoryCarrier carrier, final Object self, final String why) throws Throwable
    {
        final long handle = push(carrier, self);
        list.log(handle, NettyVerb.ALLOC, why);
        return handle;
    }

    private static long push(final HistoryCarrier carrier, final Object object) throws Throwable
    {
        final long handle = list.pushHandle(addressOf(object));
        carrier.structhist$handle(handle);
        return handle;
    }

    /**
     * The memory address of a root direct buffer (the 0x7f... a native crash log shows); a synthetic
     * address for everything else ({@link SyntheticAddresses}): a derived buffer with its own count may
     * start at its parent's first byte, a composite reports a component's address or none.
     */
    static long addressOf(final Object object) throws Throwable
    {
        final NettyMethods.BufferMethods methods = NettyMethods.bufferMethods(object.getClass());
        if (methods != null && !methods.composite &&
            (Object)methods.unwrap.invokeExact(object) == null &&
            (boolean)methods.hasMemoryAddress.invokeExact(object))
        {
            return (long)methods.memoryAddress.invokeExact(object);
        }
        return SyntheticAddresses.next();
    }

    /**
     * The object that holds {@code buffer}'s count: itself when it holds one (a derived buffer with a count
     * of its own included), else what it wraps or derives from (leak-detection wrappers, slices that share
     * their parent's count), followed through {@code unwrap()}; null if none does.
     */
    private static HistoryCarrier countOwner(final Object buffer) throws Throwable
    {
        Object candidate = buffer;
        for (int depth = 0; candidate != null && depth < MAX_UNWRAP_DEPTH; depth++)
        {
            final NettyMethods.BufferMethods methods = NettyMethods.bufferMethods(candidate.getClass());
            if (candidate instanceof HistoryCarrier && (methods == null || !methods.compositeWrapper))
            {
                return (HistoryCarrier)candidate;
            }
            if (methods == null)
            {
                return null;
            }
            candidate = (Object)methods.unwrap.invokeExact(candidate);
        }
        return null;
    }

    private static void failed(final Throwable t)
    {
        if (FAILURES.getAndIncrement() == 0)
        {
            System.err.println("structhist-agent: a buffer event could not be recorded (" + t +
                "); the application goes on, later failures are counted and reported at exit");
        }
    }
}
