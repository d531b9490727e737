package org.structhist.junit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Switches struct history on and points the default history file at a fresh file of this JVM before any
 * test class is loaded: the JUnit Platform calls it when a launcher session opens, before discovery.
 * Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, so putting
 * struct-history-junit on the test class path is enough. See {@link JvmSession#begin()}.
 */
public final class StructHistorySessionListener implements LauncherSessionListener
{
    @Override
    public void launcherSessionOpened(final LauncherSession session)
    {
        JvmSession.begin();
    }
}
