package org.structhist.junit;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.StructHistory;
import org.structhist.alloc.SharedHeap;
import org.structhist.junit.fixtures.FixtureRunner;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Child JVMs that run fixture classes through {@link FixtureRunner} on one JUnit version: its jars (copied by
 * maven-dependency-plugin into target/junit-VERSION), the library, Agrona, offheap-alloc, this module's
 * classes (with the session listener's service file) and test classes; the JDK that runs this test; no
 * -Dstructhist, so the session listener is what switches struct history on.
 */
final class FixtureRuns
{
    /** The JUnit versions the extension is tested on, oldest and newest (set by the pom). */
    static List<String> versions()
    {
        return List.of(System.getProperty("structhist.junit.test.versions", "5.14.4,6.1.3").split(","));
    }

    /** What one child JVM printed. */
    static final class Output
    {
        final String junitVersion;
        final int javaFeature;
        final Map<String, String> status = new LinkedHashMap<>();
        final Map<String, String> message = new LinkedHashMap<>();
        final Map<String, String> threads = new LinkedHashMap<>();
        final Path file;
        final String raw;

        Output(final String raw)
        {
            this.raw = raw;
            String junit = null;
            int java = 0;
            Path path = null;
            for (final String line : raw.split("\n"))
            {
                final String[] f = line.split("\t", -1);
                switch (f[0])
                {
                    case "JUNIT": junit = f[1]; break;
                    case "JAVA": java = Integer.parseInt(f[1]); break;
                    case "FILE": path = Paths.get(f[1]); break;
                    case "THREAD": threads.put(f[1], f[2]); break;
                    case "RESULT":
                        status.put(f[1], f[2]);
                        message.put(f[1], new String(Base64.getDecoder().decode(f[3]), StandardCharsets.UTF_8));
                        break;
                    default: break;
                }
            }
            this.junitVersion = junit;
            this.javaFeature = java;
            this.file = path;
        }

        String status(final String test)
        {
            assertTrue(status.containsKey(test), () -> test + " did not run; the child printed:\n" + raw);
            return status.get(test);
        }

        String message(final String test)
        {
            status(test);
            return message.get(test);
        }
    }

    private static final Map<String, Output> CACHE = new LinkedHashMap<>();

    private FixtureRuns()
    {
    }

    /** The run of {@code groups} on {@code version}, once per JVM (each test asserts on its part). */
    static synchronized Output cached(final String version, final List<String> jvmOptions, final String... groups)
    {
        final String key = version + jvmOptions + List.of(groups);
        Output output = CACHE.get(key);
        if (output == null)
        {
            output = run(version, jvmOptions, groups);
            CACHE.put(key, output);
        }
        return output;
    }

    static Output run(final String version, final List<String> jvmOptions, final String... groups)
    {
        try
        {
            final Path jars =
                Paths.get(System.getProperty("structhist.junit.test.jars", "target")).resolve("junit-" + version);
            final List<String> classPath = new ArrayList<>();
            try (Stream<Path> files = Files.list(jars))
            {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classPath.add(p.toString()));
            }
            for (final Class<?> c : List.of(StructHistory.class, UnsafeBuffer.class, SharedHeap.class,
                StructHistoryExtension.class, FixtureRunner.class))
            {
                classPath.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            }
            final List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.add("--add-exports");
            command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
            command.add("-Dstructhist.file.size=32m");
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(String.join(File.pathSeparator, classPath));
            command.add(FixtureRunner.class.getName());
            command.addAll(List.of(groups));
            final Path log = Files.createTempFile("fixture-run", ".err");
            final Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
            final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not end");
            final String err = Files.readString(log);
            Files.delete(log);
            assertEquals(0, child.exitValue(), () -> "the child JVM failed:\n" + out + err);
            final Output output = new Output(out);
            assertEquals(version, output.junitVersion, () -> "the child did not run JUnit " + version + ":\n" + out);
            return output;
        }
        catch (final IOException | URISyntaxException ex)
        {
            throw new AssertionError(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
