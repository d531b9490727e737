package org.structhist.process;

import org.structhist.History;
import org.structhist.Verb;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@code History.log(Verb, int count, String, long)}, the writer's count field (issue 11, the writer's
 * side), found at run time: the audit's end-to-end tests with counts compile before that method is on
 * their branch, and are skipped until it is.
 */
final class CountLog
{
    private static final MethodHandle LOG = find();

    private CountLog()
    {
    }

    private static MethodHandle find()
    {
        try
        {
            return MethodHandles.publicLookup().findVirtual(History.class, "log",
                MethodType.methodType(void.class, Verb.class, int.class, String.class, long.class));
        }
        catch (final NoSuchMethodException | IllegalAccessException ex)
        {
            return null;
        }
    }

    /** Whether the library logs a count field. */
    static boolean available()
    {
        return LOG != null;
    }

    static void log(final History sh, final Verb verb, final int count, final String format, final long arg)
    {
        try
        {
            LOG.invoke(sh, verb, count, format, arg);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("History.log(verb, count, ...) failed", ex);
        }
    }
}
