package org.structhist.shdump;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares shdump's output with an expected file under {@code src/test/resources/golden/}. What differs
 * from run to run is replaced by a placeholder first: the file's path {@code <FILE>}, this JVM's pid
 * {@code <PID>}, wall times {@code YYYY-MM-DD hh:mm:ss.uuuuuu} and {@code hh:mm:ss.uuuuuu}, deltas
 * {@code +dt}, heartbeat ages {@code <ago>}, and in JSON times {@code "<time>"} and nanosecond counts and
 * thread ids {@code <n>}. The placeholders keep the width of what they replace where they can, so the
 * golden files stay aligned; column widths still follow the width of a pid or a delta, so runs of two
 * spaces or more compare equal whatever their length.
 * <p>
 * {@code mvn test -Dgolden.update=true} (re)writes the golden files from the current output instead of
 * comparing: review the diff before committing it.
 */
public final class Golden
{
    /** Set to regenerate the golden files. */
    public static final String UPDATE_PROPERTY = "golden.update";

    private static final Pattern DATE_TIME =
        Pattern.compile("\\b\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\b");
    private static final Pattern TIME_OF_DAY = Pattern.compile("\\b\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\b");
    /** Times.delta (+12us, +1.204ms, +3.500s) with its padding, in the right-aligned DELTA column. */
    private static final Pattern DELTA = Pattern.compile(" +[+-]\\d+(us|\\.\\d{3}ms|\\.\\d{3}s)(?= )");
    private static final Pattern AGO = Pattern.compile("\\b(\\d+ (s|min|h|days) ago|just now)\\b");
    private static final Pattern JSON_TIME =
        Pattern.compile("\"(time|clockBase|pushed|started|heartbeat|created|allocated)\":\"[^\"]*\"");
    private static final Pattern JSON_NUMBER =
        Pattern.compile("\"(timeNanos|clockBaseMonotonicNanos|threadId)\":-?\\d+");
    private static final Pattern SPACES = Pattern.compile(" {2,}");

    private Golden()
    {
    }

    /** Where the golden files are: in the sources, so that an update needs no rebuild. */
    public static Path directory()
    {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir")), "src",
            "test", "resources", "golden");
    }

    /** {@code text} with what varies from run to run replaced by placeholders. */
    public static String normalise(final String text, final Path file, final long pid)
    {
        String s = text.replace(file.toString(), "<FILE>");
        s = Pattern.compile("\\b" + pid + "\\b").matcher(s).replaceAll("<PID>");
        s = DATE_TIME.matcher(s).replaceAll("YYYY-MM-DD hh:mm:ss.uuuuuu");
        s = TIME_OF_DAY.matcher(s).replaceAll("hh:mm:ss.uuuuuu");
        // Shorter than any delta or age, padded to the width of what it replaces: columns stay aligned.
        s = DELTA.matcher(s).replaceAll(m -> " ".repeat(m.group().length() - 3) + "+dt");
        s = AGO.matcher(s).replaceAll(m -> "<ago>" + " ".repeat(m.group().length() - 5));
        s = JSON_TIME.matcher(s).replaceAll(m -> Matcher.quoteReplacement("\"" + m.group(1) + "\":\"<time>\""));
        s = JSON_NUMBER.matcher(s).replaceAll(m -> Matcher.quoteReplacement("\"" + m.group(1) + "\":<n>"));
        return s;
    }

    /** Runs of spaces collapsed and trailing ones dropped: the comparison is blind to column widths. */
    static String columnsBlind(final String text)
    {
        return text.lines().map(l -> SPACES.matcher(l).replaceAll("  ").stripTrailing())
            .collect(Collectors.joining("\n"));
    }

    /** Asserts that the normalised {@code actual} matches golden file {@code name}, or rewrites it. */
    public static void assertMatches(final String name, final String actual, final Path file, final long pid)
    {
        final String normalised = normalise(actual, file, pid);
        final Path golden = directory().resolve(name);
        try
        {
            if (Boolean.getBoolean(UPDATE_PROPERTY))
            {
                Files.createDirectories(golden.getParent());
                Files.writeString(golden, normalised, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(golden))
            {
                fail("no golden file " + golden + ": run the tests with -D" + UPDATE_PROPERTY + "=true to write it, " +
                    "then review it. Output was:\n" + normalised);
            }
            final String expected = Files.readString(golden, StandardCharsets.UTF_8);
            assertEquals(columnsBlind(expected), columnsBlind(normalised), () -> "output differs from " + golden +
                " (columns widths aside; -D" + UPDATE_PROPERTY +
                "=true rewrites it). Normalised output:\n" + normalised);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
