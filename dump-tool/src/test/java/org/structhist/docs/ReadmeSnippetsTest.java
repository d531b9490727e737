package org.structhist.docs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every ```java block of README.md compiles and runs as a user would run it: imports as README shows
 * them, compiled by javax.tools for Java 17 against the built struct-history, offheap-alloc and Agrona
 * only (what README tells users to depend on), run in a child JVM with exactly the flags of README's
 * {@code java ...} line. A snippet that needs a newer Java than 17 (virtual threads: 21) says so in its info
 * string, {@code ```java requires-jdk=21} (GitHub still highlights it as Java): it is compiled for that
 * release, and skipped on an older JDK (CI's second run, on the newest JDK, runs it). A block marked
 * {@code ```java continued} is more of the program of the ```java block before it (it sees its variables,
 * and its own output is compared with its own ```text block), so a README can build on a first snippet
 * without repeating it. A snippet must exit 0; when a ```text block follows it (with at most one line
 * of prose, ending in ':', between), its output must be what that block shows (see {@link ExpectedOutput}
 * for what may differ between runs). Each snippet runs in a fresh directory with {@code STRUCTHIST_FILE}
 * pointing into it, so the default history file and relative paths stay out of the user's way.
 * Snippets added to README later are picked up as they are; a failure names the README line and section.
 */
class ReadmeSnippetsTest
{
    private static final String README = "README.md";
    /** The info-string word of a block that continues the program of the ```java block before it. */
    static final String CONTINUED = "continued";
    /** Printed between the parts of a program, to tell each part's output from the others'. */
    private static final String BOUNDARY = "--- end of a README snippet's output ---";
    private static final long TIMEOUT_SECONDS = 120;
    /** What README promises: Java 17 or newer. */
    private static final int MIN_RELEASE = 17;

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetOfTheReadmeRunsAsShown() throws IOException
    {
        final Path root = Repository.root();
        final List<String> readme = Files.readAllLines(root.resolve(README));
        final List<FencedBlock> blocks = FencedBlock.parse(readme);
        final List<String> flags = readmeJvmFlags(blocks);
        final String classPath = builtModulesClassPath();
        // Programs: a ```java block, with the ```java continued blocks after it.
        final List<List<FencedBlock>> programs = new ArrayList<>();
        final List<List<FencedBlock>> outputs = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++)
        {
            final FencedBlock block = blocks.get(i);
            if (!"java".equals(block.language()))
            {
                continue;
            }
            if (block.hasWord(CONTINUED))
            {
                assertFalse(programs.isEmpty(), block.where(README) + " is marked " + CONTINUED +
                    " but no ```java block comes before it");
            }
            else
            {
                programs.add(new ArrayList<>());
                outputs.add(new ArrayList<>());
            }
            programs.get(programs.size() - 1).add(block);
            outputs.get(outputs.size() - 1).add(outputShownAfter(readme, blocks, i));
        }
        assertFalse(programs.isEmpty(), "README.md has no ```java block: nothing to check");
        final List<DynamicTest> tests = new ArrayList<>();
        for (int p = 0; p < programs.size(); p++)
        {
            final List<FencedBlock> parts = programs.get(p);
            final List<FencedBlock> shown = outputs.get(p);
            tests.add(DynamicTest.dynamicTest(where(parts), () -> compileAndRun(parts, shown, flags, classPath)));
        }
        return tests.stream();
    }

    @Test
    void readmeShowsTheJvmFlagsAgronaNeeds() throws IOException
    {
        final List<FencedBlock> blocks = FencedBlock.parse(Files.readAllLines(Repository.root().resolve(README)));
        assertEquals(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dstructhist=true"),
            readmeJvmFlags(blocks));
    }

    /** The flags of README's first {@code java ...} command line in a ```sh block: what users copy. */
    static List<String> readmeJvmFlags(final List<FencedBlock> blocks)
    {
        for (final FencedBlock block : blocks)
        {
            if (!"sh".equals(block.language()))
            {
                continue;
            }
            for (final String line : block.lines)
            {
                final List<String> words = Arrays.asList(line.trim().split("\\s+"));
                if (words.size() > 1 && "java".equals(words.get(0)) && line.contains("--add-exports"))
                {
                    final int end = words.indexOf("...");
                    return List.copyOf(words.subList(1, end < 0 ? words.size() : end));
                }
            }
        }
        throw new AssertionError("README.md shows no `java --add-exports ... ...` line in a ```sh block: the " +
            "snippets must run with the flags README gives users");
    }

    /**
     * The ```text block that shows block {@code index}'s output: the next block, when only blank lines and at
     * most one line of prose ending in ':' lie between; else null.
     */
    private static FencedBlock outputShownAfter(
        final List<String> readme, final List<FencedBlock> blocks, final int index)
    {
        if (index + 1 >= blocks.size() || !"text".equals(blocks.get(index + 1).language()))
        {
            return null;
        }
        final FencedBlock next = blocks.get(index + 1);
        // Lines are 1-based: those strictly between the java block's closing fence and the text block's opening.
        final List<String> prose = readme.subList(blocks.get(index).closingLine, next.openingLine - 1).stream()
            .filter(line -> !line.isBlank())
            .collect(Collectors.toList());
        return prose.isEmpty() || prose.size() == 1 && prose.get(0).trim().endsWith(":") ? next : null;
    }

    /** struct-history, offheap-alloc and Agrona from this test's class path: what README says to depend on. */
    private static String builtModulesClassPath()
    {
        final List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            // test-support's jar (in `verify`) is struct-history-test-support-VERSION.jar: not a library module
            .filter(entry -> !entry.contains("test-classes") && !entry.endsWith("-tests.jar") &&
                !entry.contains("test-support"))
            .filter(entry -> entry.contains("struct-history") || entry.contains("offheap-alloc") ||
                Path.of(entry).getFileName().toString().startsWith("agrona-"))
            .collect(Collectors.toList());
        assertEquals(3, entries.size(), "expected struct-history, offheap-alloc and agrona on the class path: " +
            entries);
        return String.join(File.pathSeparator, entries);
    }

    private static String where(final List<FencedBlock> parts)
    {
        final String first = parts.get(0).where(README);
        return parts.size() == 1 ? first : first + " and the " + (parts.size() - 1) + " block(s) continuing it (line " +
            parts.subList(1, parts.size()).stream().map(b -> String.valueOf(b.openingLine))
                .collect(Collectors.joining(", ")) + ")";
    }

    private static void compileAndRun(
        final List<FencedBlock> parts, final List<FencedBlock> outputs, final List<String> flags,
        final String classPath) throws IOException, InterruptedException
    {
        final String where = where(parts);
        int release = MIN_RELEASE;
        for (final FencedBlock part : parts)
        {
            final String required = part.attribute("requires-jdk");
            release = Math.max(release, required == null ? MIN_RELEASE : Integer.parseInt(required));
        }
        final int needed = release;
        Assumptions.assumeTrue(Runtime.version().feature() >= needed,
            () -> where + " needs Java " + needed + "; this is Java " + Runtime.version().feature());
        final Path dir = Files.createTempDirectory("readme-snippet-");
        try
        {
            final JavaSnippet snippet = JavaSnippet.of("ReadmeSnippetAtLine" + parts.get(0).openingLine, parts,
                "System.out.println(\"" + BOUNDARY + "\");");
            final Path classes = Files.createDirectories(dir.resolve("classes"));
            compile(where, snippet, release, dir, classes, classPath);

            final Path workDir = Files.createDirectories(dir.resolve("run"));
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flags);
            command.add("-cp");
            command.add(classes + File.pathSeparator + classPath);
            command.add(snippet.className);
            final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
            builder.environment().put("STRUCTHIST_FILE", workDir.resolve("structhist.hist").toString());
            final Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
                fail(where + ": the snippet did not complete within " + TIMEOUT_SECONDS + " s");
            }
            final String stdout = Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
            final String stderr = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), () -> where + ": the snippet exited with " + process.exitValue() +
                "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            final String[] printed = stdout.split(Pattern.quote(BOUNDARY + System.lineSeparator()), -1);
            assertEquals(parts.size(), printed.length, () -> where + ": the output is not one piece per part:\n" +
                stdout);
            for (int i = 0; i < parts.size(); i++)
            {
                final FencedBlock output = outputs.get(i);
                if (output != null)
                {
                    final String part = parts.get(i).where(README);
                    final String mismatch = ExpectedOutput.mismatch(output, printed[i]);
                    assertTrue(mismatch == null, () -> part + ": its output is not what README shows: " + mismatch +
                        "\nThe whole output:\n" + stdout + (stderr.isEmpty() ? "" : "\nstderr:\n" + stderr));
                }
            }
        }
        finally
        {
            deleteTree(dir);
        }
    }

    private static void compile(
        final String where, final JavaSnippet snippet, final int release, final Path dir, final Path classes,
        final String classPath) throws IOException
    {
        final Path source = dir.resolve(snippet.className + ".java");
        Files.writeString(source, snippet.source, StandardCharsets.UTF_8);
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "no system Java compiler: run the tests on a JDK");
        final DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
            StandardCharsets.UTF_8))
        {
            final boolean compiled = compiler.getTask(null, files, diagnostics,
                List.of("--release", String.valueOf(release), "-classpath", classPath, "-d", classes.toString()), null,
                files.getJavaFileObjects(source.toFile())).call();
            if (!compiled)
            {
                final StringBuilder errors = new StringBuilder();
                for (final Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics())
                {
                    if (d.getKind() == Diagnostic.Kind.ERROR)
                    {
                        final int line = snippet.readmeLine(d.getLineNumber());
                        errors.append("\n  ").append(line > 0 ? "README line " + line : "the wrapping around it")
                            .append(": ").append(d.getMessage(Locale.ROOT));
                    }
                }
                fail(where + ": the snippet does not compile as README shows it:" + errors +
                    "\nas compiled:\n" + snippet.source);
            }
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList()))
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
