package org.structhist.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A child JVM running a main class of the test sources, started the way surefire starts the test JVM:
 * the running JVM's own java binary (so a CI re-run on another JDK spawns that JDK), the test class
 * path, Agrona's {@code --add-exports} flag and, unless {@link Builder#switchedOff()}, the switch
 * {@code -Dstructhist=true}; the environment's {@code STRUCTHIST_FILE} is removed.
 * <p>
 * Its stdout is read line by line on a daemon thread, so a test can wait for a handshake line with a
 * timeout instead of sleeping; its stderr is kept for failure messages. Every wait is bounded: a child
 * that hangs fails the test and is killed, it never hangs the build. {@link #close()} kills whatever is
 * still running, so a failing test leaves no process behind.
 * <p>
 * This module depends on no module of the build (struct-history's own tests use it), so the library's
 * switch and environment variable are spelled here as strings; {@code ChildJvmConstantsTest} in
 * struct-history holds them equal to {@code StructHistory.ENABLED_PROPERTY} and {@code HistoryFile.FILE_ENV}.
 * Failures are thrown as {@link AssertionError}, which JUnit reports as a failed test.
 */
public final class ChildJvm implements AutoCloseable
{
    /** What Agrona 2.x needs in every JVM that uses it; the same as {@code agrona.jvm.flags} in the root pom. */
    public static final List<String> AGRONA_FLAGS =
        List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    /** The system property that switches struct history on (the library's {@code StructHistory.ENABLED_PROPERTY}). */
    public static final String ENABLED_PROPERTY = "structhist";

    /** The environment variable naming the default history file (the library's {@code HistoryFile.FILE_ENV}). */
    public static final String FILE_ENV = "STRUCTHIST_FILE";

    /** Exit value of a process killed by SIGKILL, as {@link Process#exitValue()} reports it on Linux. */
    public static final int SIGKILL_EXIT = 128 + 9;

    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Classes every child of this build needs besides its main class (the library, Agrona), by name so
     * that this module needs neither; used only when {@code java.class.path} is not the real class path.
     */
    private static final List<String> USUAL_NEEDS = List.of("org.structhist.HistoryFile",
        "org.agrona.concurrent.UnsafeBuffer");

    private static final int STDERR_KEPT_CHARS = 32 * 1024;

    /** Marks the end of stdout in {@link #stdout}; compared by identity. */
    private static final String END_OF_STREAM = new String("<end of stdout>");

    private final String name;
    private final Process process;
    private final List<String> command;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private final Writer stdin;

    private ChildJvm(final String name, final List<String> command) throws IOException
    {
        this.name = name;
        this.command = command;
        final ProcessBuilder builder = new ProcessBuilder(command);
        // A STRUCTHIST_FILE set by whoever runs the build must not redirect a child's default file.
        builder.environment().remove(FILE_ENV);
        this.process = builder.start();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdoutPump = pump("stdout", process.getInputStream(), line ->
        {
            transcript.add(line);
            stdout.add(line);
        });
        this.stderrPump = pump("stderr", process.getErrorStream(), line ->
        {
            synchronized (stderr)
            {
                stderr.append(line).append('\n');
                if (stderr.length() > STDERR_KEPT_CHARS)
                {
                    stderr.delete(0, stderr.length() - STDERR_KEPT_CHARS);
                }
            }
        });
    }

    public static Builder of(final Class<?> mainClass)
    {
        return new Builder(mainClass);
    }

    /** How to start one child; {@link #start()} starts it. */
    public static final class Builder
    {
        private final Class<?> mainClass;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private boolean enabled = true;
        private boolean agronaFlags = true;
        private String name;
        private String classPath;

        private Builder(final Class<?> mainClass)
        {
            this.mainClass = mainClass;
            this.name = mainClass.getSimpleName();
        }

        /** Starts the child without {@code -Dstructhist=true}: struct history off, as in production by default. */
        public Builder switchedOff()
        {
            enabled = false;
            return this;
        }

        /** Starts the child without {@link #AGRONA_FLAGS}, as a user who forgot them would. */
        public Builder withoutAgronaFlags()
        {
            agronaFlags = false;
            return this;
        }

        public Builder name(final String childName)
        {
            name = childName;
            return this;
        }

        public Builder property(final String key, final String value)
        {
            properties.put(key, value);
            return this;
        }

        /**
         * Runs the child on exactly this class path instead of this test's (a child that must see other jars
         * than the test JVM, e.g. another JUnit version).
         */
        public Builder classPath(final String entries)
        {
            classPath = entries;
            return this;
        }

        /** A JVM option other than a system property (e.g. {@code -XX:TieredStopAtLevel=1}), before the class. */
        public Builder jvmOption(final String option)
        {
            jvmOptions.add(option);
            return this;
        }

        public Builder args(final Object... values)
        {
            for (final Object value : values)
            {
                args.add(String.valueOf(value));
            }
            return this;
        }

        public ChildJvm start()
        {
            final List<String> command = new ArrayList<>();
            command.add(javaBinary());
            // Small and single-threaded GC: up to three of these run at once on a 2-core CI machine.
            command.add("-Xmx128m");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:-UsePerfData");
            if (agronaFlags)
            {
                command.addAll(AGRONA_FLAGS);
            }
            if (enabled)
            {
                command.add("-D" + ENABLED_PROPERTY + "=true");
            }
            command.addAll(jvmOptions);
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add("-cp");
            command.add(classPath != null ? classPath : ChildJvm.classPath(mainClass));
            command.add(mainClass.getName());
            command.addAll(args);
            try
            {
                return new ChildJvm(name, command);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot start child JVM " + command, ex);
            }
        }
    }

    /** The java launcher of the JVM running this test. */
    public static String javaBinary()
    {
        final Path fromHome = Paths.get(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome))
        {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command()
            .orElseThrow(() -> new IllegalStateException("cannot find the java binary of this JVM under " + fromHome));
    }

    /**
     * The test class path. Surefire sets {@code java.class.path} to the real test class path even when
     * it boots the fork from a manifest-only jar, but we check that it holds what a child needs (the
     * test classes holding {@code mainClass}, the library, Agrona) and otherwise build it from where those
     * classes were loaded.
     */
    public static String classPath(final Class<?> mainClass)
    {
        final Set<Path> needed = new LinkedHashSet<>();
        needed.add(location(mainClass));
        for (final String name : USUAL_NEEDS)
        {
            try
            {
                needed.add(location(Class.forName(name, false, mainClass.getClassLoader())));
            }
            catch (final ClassNotFoundException ex)
            {
                // Not on this test's class path: then its children do not need it either.
            }
        }
        final String property = System.getProperty("java.class.path", "");
        final Set<Path> entries = new LinkedHashSet<>();
        for (final String entry : property.split(File.pathSeparator))
        {
            if (!entry.isBlank())
            {
                entries.add(Paths.get(entry).toAbsolutePath().normalize());
            }
        }
        if (entries.containsAll(needed))
        {
            return property;
        }
        final StringBuilder sb = new StringBuilder();
        for (final Path path : needed)
        {
            sb.append(sb.length() == 0 ? "" : File.pathSeparator).append(path);
        }
        return sb.toString();
    }

    private static Path location(final Class<?> type)
    {
        final CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null)
        {
            throw new IllegalStateException("cannot tell where " + type + " was loaded from");
        }
        try
        {
            return Paths.get(source.getLocation().toURI()).toAbsolutePath().normalize();
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException("bad code source of " + type + ": " + source.getLocation(), ex);
        }
    }

    private Thread pump(final String stream, final InputStream in, final Consumer<String> sink)
    {
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    sink.accept(line);
                }
            }
            catch (final IOException ignore)
            {
                // The pipe breaks when the child is killed: what was read so far is all there is.
            }
            finally
            {
                if ("stdout".equals(stream))
                {
                    stdout.add(END_OF_STREAM);
                }
            }
        }, "child-" + stream + "-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public long pid()
    {
        return process.pid();
    }

    public String name()
    {
        return name;
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Waits for a stdout line starting with {@code prefix} and returns it. Earlier lines are skipped
     * (they stay in {@link #lines()}). Fails if the child ends first or nothing comes in time.
     */
    public String awaitLine(final String prefix, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final String line;
            try
            {
                line = left > 0 ? stdout.poll(left, TimeUnit.NANOSECONDS) : null;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for '" + prefix + "' from " + name, ex);
            }
            if (line == null)
            {
                close();
                return fail("child " + name + " printed no line starting with '" + prefix + "' within " + timeout +
                    "; it was killed\n" + describe());
            }
            if (line == END_OF_STREAM)
            {
                stdout.add(END_OF_STREAM);
                awaitQuietly(Duration.ofSeconds(10));
                return fail("child " + name + " closed stdout before printing a line starting with '" + prefix +
                    "'\n" + describe());
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    /** {@link #awaitLine(String, Duration)} within {@link #STARTUP_TIMEOUT}. */
    public String awaitLine(final String prefix)
    {
        return awaitLine(prefix, STARTUP_TIMEOUT);
    }

    /**
     * Waits until stdout, all of it so far, contains {@code needle} (in a line or across lines) and
     * returns it; unlike {@link #awaitLine} this consumes nothing. Fails, killing the child, after {@code timeout}.
     */
    public String awaitStdoutContaining(final String needle, final Duration timeout)
    {
        return awaitText("stdout", this::stdoutText, needle, timeout);
    }

    /** As {@link #awaitStdoutContaining}, on the kept end of stderr. */
    public String awaitStderrContaining(final String needle, final Duration timeout)
    {
        return awaitText("stderr", this::stderrText, needle, timeout);
    }

    private String awaitText(final String stream, final Supplier<String> text,
        final String needle, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final String sofar = text.get();
            if (sofar.contains(needle))
            {
                return sofar;
            }
            if (System.nanoTime() - deadline > 0)
            {
                close();
                return fail("child " + name + " printed no '" + needle + "' on " + stream + " within " + timeout +
                    "; it was killed\n" + describe());
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return fail("interrupted waiting for '" + needle + "' from " + name);
            }
        }
    }

    /** Stdout so far, one {@code \n} after each line. */
    public String stdoutText()
    {
        final StringBuilder sb = new StringBuilder();
        for (final String line : lines())
        {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** The kept end of stderr so far (its last {@value #STDERR_KEPT_CHARS} characters). */
    public String stderrText()
    {
        synchronized (stderr)
        {
            return stderr.toString();
        }
    }

    /** Every line starting with {@code prefix} printed so far. */
    public List<String> linesStartingWith(final String prefix)
    {
        final List<String> result = new ArrayList<>();
        synchronized (transcript)
        {
            for (final String line : transcript)
            {
                if (line.startsWith(prefix))
                {
                    result.add(line);
                }
            }
        }
        return result;
    }

    public List<String> lines()
    {
        synchronized (transcript)
        {
            return new ArrayList<>(transcript);
        }
    }

    /** Sends one line to the child's stdin. */
    public void send(final String line)
    {
        try
        {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        }
        catch (final IOException ex)
        {
            fail("cannot write '" + line + "' to child " + name + ": " + ex + "\n" + describe());
        }
    }

    /**
     * Waits for the child to exit on its own and returns its exit value, once all its stdout has been
     * read. A child still running after {@code timeout} is killed and the test fails.
     */
    public int awaitExit(final Duration timeout)
    {
        if (!awaitQuietly(timeout))
        {
            close();
            return fail("child " + name + " did not exit within " + timeout + "; it was killed\n" + describe());
        }
        joinPumps();
        return process.exitValue();
    }

    /** {@link #awaitSuccess(Duration)} within {@link #EXIT_TIMEOUT}. */
    public void awaitSuccess()
    {
        awaitSuccess(EXIT_TIMEOUT);
    }

    /** SIGTERM, as {@code kill PID} sends it ({@link Process#destroy()} on Linux); returns at once. */
    public void terminate()
    {
        process.destroy();
    }

    /** {@link #awaitExit} that also requires exit value 0. */
    public void awaitSuccess(final Duration timeout)
    {
        final int exit = awaitExit(timeout);
        if (exit != 0)
        {
            fail("child " + name + " exited with " + exit + "\n" + describe());
        }
    }

    /**
     * Kills the child with SIGKILL ({@link Process#destroyForcibly()} on Linux) and waits until it is
     * dead and reaped. Fails if the child was already gone: the test wanted to kill a live writer.
     */
    public void killHard()
    {
        if (!process.isAlive())
        {
            joinPumps();
            fail("child " + name + " was not running when it was to be killed; exit value " +
                process.exitValue() + "\n" + describe());
        }
        process.destroyForcibly();
        if (!awaitQuietly(EXIT_TIMEOUT))
        {
            fail("child " + name + " (pid " + pid() + ") still runs " + EXIT_TIMEOUT + " after SIGKILL");
        }
        joinPumps();
        if (process.exitValue() != SIGKILL_EXIT)
        {
            fail("child " + name + " ended with exit value " + process.exitValue() + ", not by SIGKILL (" +
                SIGKILL_EXIT + "): it died on its own around the kill\n" + describe());
        }
    }

    /** Command line, exit state, stdout and the end of stderr: what a failure message needs. */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("--- child ").append(name).append(" pid ").append(pid());
        sb.append(process.isAlive() ? " (running)" : " (exit value " + process.exitValue() + ")").append('\n');
        sb.append("command: ").append(String.join(" ", command)).append('\n');
        sb.append("--- stdout:\n");
        for (final String line : lines())
        {
            sb.append(line).append('\n');
        }
        sb.append("--- stderr (end):\n").append(stderrText());
        return sb.toString();
    }

    /** Throws what a failed JUnit assertion throws at heart, typed so that {@code return fail(...)} compiles. */
    private static <T> T fail(final String message)
    {
        throw new AssertionError(message);
    }

    private boolean awaitQuietly(final Duration timeout)
    {
        try
        {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void joinPumps()
    {
        try
        {
            // The pipes close when the process dies; bounded anyway, a grandchild could hold them open.
            stdoutPump.join(TimeUnit.SECONDS.toMillis(10));
            stderrPump.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the child if it still runs. Closing stdin first lets a child's stdin watchdog end it too. */
    @Override
    public void close()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ignore)
        {
            // Already closed, or the child is gone: nothing to release.
        }
        if (process.isAlive())
        {
            process.destroyForcibly();
            awaitQuietly(EXIT_TIMEOUT);
        }
    }
}
