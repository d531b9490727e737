package org.structhist;

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

    private StructHistory()
    {
    }
}
