package org.structhist.process;

import java.time.Duration;
import java.util.List;

/**
 * A public face of struct-history's package-private {@link ChildJvm} for the offheap-alloc tests, which
 * live in another package (and module): the same launcher (this JVM's java, the test class path,
 * Agrona's flags, {@code -Dstructhist=true}), the same bounded waits, the same SIGKILL. It lives in
 * this package only to reach ChildJvm; nothing here is new behaviour.
 */
public final class ChildProcess implements AutoCloseable
{
    public static final Duration STARTUP_TIMEOUT = ChildJvm.STARTUP_TIMEOUT;
    public static final Duration EXIT_TIMEOUT = ChildJvm.EXIT_TIMEOUT;
    public static final int SIGKILL_EXIT = ChildJvm.SIGKILL_EXIT;

    private final ChildJvm jvm;

    private ChildProcess(final ChildJvm jvm)
    {
        this.jvm = jvm;
    }

    /** Starts {@code mainClass} (a class of the test sources) in a child JVM named {@code name}. */
    public static ChildProcess start(final Class<?> mainClass, final String name, final Object... args)
    {
        return new ChildProcess(ChildJvm.of(mainClass).name(name).args(args).start());
    }

    /**
     * Starts {@code mainClass} as a user who forgot the JVM flags would: without Agrona's
     * {@code --add-exports} and without {@code -Dstructhist=true}.
     */
    public static ChildProcess startWithoutAnyFlag(final Class<?> mainClass, final String name, final Object... args)
    {
        return new ChildProcess(ChildJvm.of(mainClass).name(name).switchedOff()
            .withoutAgronaFlags().args(args).start());
    }

    /** The java launcher of this JVM, for tests that start a child through a shell (ulimit). */
    public static String javaBinary()
    {
        return ChildJvm.javaBinary();
    }

    /** The class path a child needs: this module's test and main classes, struct-history's, Agrona. */
    public static String classPath()
    {
        return ChildJvm.classPath();
    }

    public static List<String> agronaFlags()
    {
        return ChildJvm.AGRONA_FLAGS;
    }

    public long pid()
    {
        return jvm.pid();
    }

    public String name()
    {
        return jvm.name();
    }

    public boolean isAlive()
    {
        return jvm.isAlive();
    }

    /** The first stdout line starting with {@code prefix}; fails the test if the child ends or stays silent. */
    public String awaitLine(final String prefix)
    {
        return jvm.awaitLine(prefix, STARTUP_TIMEOUT);
    }

    public List<String> linesStartingWith(final String prefix)
    {
        return jvm.linesStartingWith(prefix);
    }

    public void send(final String line)
    {
        jvm.send(line);
    }

    /** Waits for exit value 0; fails the test with the child's output otherwise. */
    public void awaitSuccess()
    {
        jvm.awaitSuccess(EXIT_TIMEOUT);
    }

    /** SIGKILL, then waits until the child is dead and reaped; fails if it was not running. */
    public void killHard()
    {
        jvm.killHard();
    }

    /** Command line, exit state, stdout and the end of stderr, for failure messages. */
    public String describe()
    {
        return jvm.describe();
    }

    @Override
    public void close()
    {
        jvm.close();
    }
}
