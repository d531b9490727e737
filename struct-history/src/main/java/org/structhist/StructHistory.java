package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The switch. {@code -Dstructhist=true} turns struct history on; it is off by default.
 * <p>
 * {@link #ENABLED} is a {@code static final} read once at class initialisation, so with the switch off
 * the JIT folds every {@code if (!StructHistory.ENABLED) return;} guard and removes the calls, the way
 * {@code -DDBG_STRUCT_HIST} compiles them out of OpenSIPS.
 */
public final class StructHistory
{
    /** System property that turns struct history on. */
    public static final String ENABLED_PROPERTY = "structhist";

    /** Whether struct history records anything in this JVM. */
    public static final boolean ENABLED = Boolean.getBoolean(ENABLED_PROPERTY);

    /** The java option Agrona (and so every mapped file here) needs, as it goes on the command line. */
    public static final String AGRONA_JVM_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private StructHistory()
    {
    }

    /**
     * Whether this JVM lets Agrona reach {@code jdk.internal.misc.Unsafe}, which it needs for any buffer:
     * false when the JVM was started without {@link #AGRONA_JVM_FLAG}. Asked once, on first use.
     */
    public static boolean hasAgronaAccess()
    {
        return AgronaAccess.GRANTED;
    }

    /**
     * Refuses, with a sentence that names the missing flag, to go on in a JVM without Agrona's access:
     * without this check the first buffer would throw Agrona's raw {@link IllegalAccessError}, an Error
     * that {@code catch (Exception)} misses and that names no flag.
     *
     * @throws StructHistoryException when {@link #hasAgronaAccess()} is false.
     */
    static void requireAgronaAccess()
    {
        if (!AgronaAccess.GRANTED)
        {
            throw new StructHistoryException("struct history is on (-D" + ENABLED_PROPERTY + "=true) but this JVM " +
                "was started without the flag it needs: add " + AGRONA_JVM_FLAG + " to the java command line");
        }
    }

    /** Holds the answer, so that reading {@link #ENABLED} never touches Agrona. */
    private static final class AgronaAccess
    {
        static final boolean GRANTED = probe();

        private static boolean probe()
        {
            try
            {
                new UnsafeBuffer(new byte[Long.BYTES]).putLongVolatile(0, 1);
                return true;
            }
            catch (final LinkageError ex)
            {
                // IllegalAccessError the first time Agrona's UnsafeApi is initialised, NoClassDefFoundError
                // after that: both mean the module system keeps jdk.internal.misc from Agrona.
                return false;
            }
        }
    }
}
