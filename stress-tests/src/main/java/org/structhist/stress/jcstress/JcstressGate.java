package org.structhist.stress.jcstress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs jcstress ({@code org.openjdk.jcstress.Main}) with the given arguments and exits 1 unless the run
 * ended with a summary that has no FAILED and no ERROR test. jcstress 0.16 reports failures only by an
 * AssertionError thrown after its report; the gate also fails a run that printed no summary (a test
 * selection that matched nothing, a crash before the end). It adds what every fork needs to run
 * structhist switched on, unless the caller gave {@code -jvmArgsPrepend} or {@code -jvmArgs} itself.
 */
public final class JcstressGate
{
    /** Every fork: Agrona's flag, and struct history switched on (it is off by default). */
    static final String FORK_FLAGS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dstructhist=true";

    private static final Pattern SUMMARY = Pattern.compile("^\\s*(Interesting|Failed|Error) tests: (.*)$");

    private JcstressGate()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final List<String> arguments = new ArrayList<>(Arrays.asList(args));
        if (!arguments.contains("-jvmArgsPrepend") && !arguments.contains("-jvmArgs"))
        {
            arguments.add("-jvmArgsPrepend");
            arguments.add(FORK_FLAGS);
        }
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        final PrintStream console = System.out;
        System.setOut(new PrintStream(new Tee(console, copy), true, StandardCharsets.UTF_8));
        final long started = System.nanoTime();
        Throwable thrown = null;
        try
        {
            org.openjdk.jcstress.Main.main(arguments.toArray(new String[0]));
        }
        catch (final Exception | AssertionError ex)
        {
            // jcstress ends a run with failures by throwing "TEST FAILURES" from its report printer.
            thrown = ex;
        }
        System.out.flush();
        System.setOut(console);

        final String output = copy.toString(StandardCharsets.UTF_8);
        int failed = -1;
        int errors = -1;
        for (final String line : output.split("\\R"))
        {
            final Matcher m = SUMMARY.matcher(line);
            if (m.matches())
            {
                final int count = m.group(2).startsWith("No matches") ? 0 : leadingNumber(m.group(2));
                if ("Failed".equals(m.group(1)))
                {
                    failed = count;
                }
                else if ("Error".equals(m.group(1)))
                {
                    errors = count;
                }
            }
        }
        final long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        final int report = arguments.indexOf("-r");
        if (report >= 0 && report + 1 < arguments.size())
        {
            printTotals(console, Paths.get(arguments.get(report + 1)));
        }
        if (failed != 0 || errors != 0 || thrown != null)
        {
            if (thrown != null)
            {
                console.println("JcstressGate: jcstress ended with " +
                    thrown.toString().lines().findFirst().orElse(""));
            }
            console.println("JcstressGate: FAILED after " + seconds + " s: " +
                (failed < 0 || errors < 0 ? "no jcstress summary found" :
                    failed + " failed and " + errors + " erred test results") + " (see the report above)");
            System.exit(1);
        }
        console.println("JcstressGate: passed in " + seconds + " s (no FORBIDDEN outcome, no error)");
        System.exit(0);
    }

    /**
     * Each test's outcomes with their samples summed over every JVM configuration, read from jcstress's
     * HTML report (its console shows them only for interesting and failed tests). Best effort: a report
     * in another layout prints nothing.
     */
    static void printTotals(final PrintStream out, final Path reportDir)
    {
        try (Stream<Path> files = Files.list(reportDir))
        {
            final List<Path> tests = files.filter(p -> p.getFileName().toString().startsWith("org.structhist."))
                .sorted().collect(Collectors.toList());
            out.println("JcstressGate: samples per outcome, summed over all configurations:");
            for (final Path test : tests)
            {
                final String html = Files.readString(test);
                final int header = html.indexOf("Observed States");
                if (header < 0)
                {
                    continue;
                }
                final int firstRow = html.indexOf("<td nowrap valign=top", header);
                final List<String> states = all(STATE, html.substring(header, firstRow < 0 ? html.length() : firstRow));
                final List<String> expects = new ArrayList<>();
                final Matcher e = EXPECT.matcher(html.substring(header, firstRow < 0 ? html.length() : firstRow));
                while (e.find() && expects.size() < states.size())
                {
                    expects.add(e.group(1));
                }
                final long[] totals = new long[states.size()];
                if (firstRow >= 0)
                {
                    final List<String> counts = all(COUNT, html.substring(firstRow));
                    for (int i = 0; i < counts.size(); i++)
                    {
                        totals[i % totals.length] += Long.parseLong(counts.get(i));
                    }
                }
                final StringBuilder line = new StringBuilder("  ").append(test.getFileName().toString()
                    .replace("org.structhist.stress.jcstress.", "").replace(".html", "")).append(':');
                for (int i = 0; i < states.size(); i++)
                {
                    line.append(i == 0 ? " " : "; ").append('[').append(states.get(i)).append("] ")
                        .append(String.format("%,d", totals[i]))
                        .append(i < expects.size() ? " " + expects.get(i).toLowerCase(java.util.Locale.ROOT) : "");
                }
                out.println(line);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            out.println("JcstressGate: no per-outcome totals (" + ex + ")");
        }
    }

    private static final Pattern STATE = Pattern.compile("<th nowrap align='center'>([^<]*)</th>");
    private static final Pattern EXPECT = Pattern.compile("<td>(Acceptable|Interesting|Forbidden|Unknown)</td>");
    private static final Pattern COUNT = Pattern.compile("<td align='right'[^>]*>(\\d+)</td>");

    private static List<String> all(final Pattern pattern, final String text)
    {
        final List<String> found = new ArrayList<>();
        final Matcher m = pattern.matcher(text);
        while (m.find())
        {
            found.add(m.group(1));
        }
        return found;
    }

    private static int leadingNumber(final String text)
    {
        final Matcher m = Pattern.compile("^(\\d+)").matcher(text.trim());
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    /** Writes to the console and keeps a copy to read the summary from. */
    private static final class Tee extends OutputStream
    {
        private final OutputStream a;
        private final OutputStream b;

        Tee(final OutputStream a, final OutputStream b)
        {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(final int value) throws java.io.IOException
        {
            a.write(value);
            b.write(value);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length) throws java.io.IOException
        {
            a.write(bytes, offset, length);
            b.write(bytes, offset, length);
        }

        @Override
        public void flush() throws java.io.IOException
        {
            a.flush();
            b.flush();
        }
    }
}
