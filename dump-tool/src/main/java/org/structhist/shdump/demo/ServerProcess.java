package org.structhist.shdump.demo;

import org.structhist.HistoryFile;
import org.structhist.StructHistory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link TcpServer} in a child JVM and collects what it printed. A child and not a thread: the
 * server must die abruptly, as a crashed C server does, and the history must be read by another
 * process afterwards, as shdump always is.
 * <p>
 * The child is this JVM's own java binary (a run on another JDK stays on it) with this JVM's class path:
 * the shaded shdump.jar under {@code java -jar}, the test class path under surefire.
 */
public final class ServerProcess
{
    /** What Agrona 2.x needs in every JVM that uses it (the shaded jar's manifest says it only to java -jar). */
    static final List<String> AGRONA_FLAGS = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    private static final Pattern CRASH_ADDRESS =
        Pattern.compile(Pattern.quote(TcpServer.CRASH_MARK) + "(0x[0-9a-f]+)\\)");

    private ServerProcess()
    {
    }

    /**
     * What the child left behind.
     *
     * @param exitCode     its exit status; -1 when it had to be killed after the timeout.
     * @param output       its stdout and stderr, merged, line by line.
     * @param crashAddress the address its crash report names, or null if it did not crash.
     */
    public record Result(int exitCode, List<String> output, String crashAddress)
    {
        public boolean crashed()
        {
            return exitCode == TcpServer.CRASH_EXIT && crashAddress != null;
        }
    }

    /** Runs the server on a fresh {@code file} with {@code seed}; kills it if it runs longer than {@code timeout}. */
    public static Result run(final Path file, final long seed, final Duration timeout) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(javaBinary());
        // Small and quick to start: the server runs for a moment and holds little.
        command.add("-Xmx64m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.addAll(AGRONA_FLAGS);
        command.add("-D" + StructHistory.ENABLED_PROPERTY + "=true");
        command.add("-cp");
        command.add(classPath());
        command.add(TcpServer.class.getName());
        command.add(file.toString());
        command.add(Long.toString(seed));

        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The server names its file; a STRUCTHIST_FILE of the user's must not matter.
        builder.environment().remove(HistoryFile.FILE_ENV);
        final Process process = builder.start();
        process.getOutputStream().close();
        final List<String> output = Collections.synchronizedList(new ArrayList<>());
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    output.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // The pipe breaks when the child is killed: what was read so far is all there is.
            }
        }, "shdump-demo-output");
        pump.setDaemon(true);
        pump.start();

        final int exitCode;
        try
        {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                exitCode = process.exitValue();
            }
            else
            {
                process.destroyForcibly().waitFor();
                output.add("(killed by shdump demo after " + timeout.toSeconds() + " s)");
                exitCode = -1;
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the demo server ran", ex);
        }
        final List<String> lines;
        synchronized (output)
        {
            lines = List.copyOf(output);
        }
        String crashAddress = null;
        for (final String line : lines)
        {
            final Matcher matcher = CRASH_ADDRESS.matcher(line);
            if (matcher.find())
            {
                crashAddress = matcher.group(1);
            }
        }
        return new Result(exitCode, lines, crashAddress);
    }

    /** The java launcher of this JVM. */
    static String javaBinary()
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
     * This JVM's class path, absolute (the child may resolve it elsewhere), if it holds what the server
     * needs: the server, the library and Agrona. It does for {@code java -jar shdump.jar} (all three in the
     * jar) and under surefire (which sets java.class.path to the test class path even when it boots from a
     * manifest-only jar). Anything else, such as an embedding class loader, gets the places those classes
     * were loaded from.
     */
    static String classPath()
    {
        final Set<Path> needed = new LinkedHashSet<>();
        needed.add(location(TcpServer.class));
        needed.add(location(HistoryFile.class));
        needed.add(location(org.structhist.alloc.SharedHeap.class));
        needed.add(location(org.agrona.concurrent.UnsafeBuffer.class));
        final Set<Path> entries = new LinkedHashSet<>();
        for (final String entry : System.getProperty("java.class.path", "").split(File.pathSeparator))
        {
            if (!entry.isBlank())
            {
                entries.add(Paths.get(entry).toAbsolutePath().normalize());
            }
        }
        final Set<Path> chosen = entries.containsAll(needed) ? entries : needed;
        final StringBuilder sb = new StringBuilder();
        for (final Path path : chosen)
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
            throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from");
        }
        try
        {
            return Paths.get(source.getLocation().toURI()).toAbsolutePath().normalize();
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException("bad code source of " + type.getName() + ": " + source.getLocation(), ex);
        }
    }
}
