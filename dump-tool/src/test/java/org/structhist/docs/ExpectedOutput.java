package org.structhist.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The output README shows for a snippet, compared line by line with what the snippet printed. What
 * changes from run to run is hidden on both sides first: dates, times of day, pids written as
 * {@code pid 123} or {@code pid=123}, and durations such as {@code +17us}; everything else must be as
 * README shows it (trailing spaces and trailing empty lines aside). A README line that is only
 * {@code ...} stands for any number of lines.
 */
final class ExpectedOutput
{
    static final String ANY_LINES = "...";

    private static final Pattern DATE = Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}\\b");
    private static final Pattern TIME = Pattern.compile("\\b\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?\\b");
    private static final Pattern PID = Pattern.compile("\\bpid([ =])\\d+\\b");
    private static final Pattern DURATION = Pattern.compile("[+-]\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s)\\b");

    private ExpectedOutput()
    {
    }

    static String mask(final String line)
    {
        String masked = DATE.matcher(line).replaceAll("<date>");
        masked = TIME.matcher(masked).replaceAll("<time>");
        masked = PID.matcher(masked).replaceAll("pid$1<pid>");
        masked = DURATION.matcher(masked).replaceAll("<duration>");
        return masked.stripTrailing();
    }

    /**
     * Null when {@code actual} is what README shows, else one sentence naming the first README line that
     * differs, with both lines.
     */
    static String mismatch(final FencedBlock expected, final String actual)
    {
        final List<String> want = withoutTrailingEmpty(expected.lines);
        final List<String> got = withoutTrailingEmpty(List.of(actual.split("\\R", -1)));
        return mismatch(expected, want, 0, got, 0);
    }

    private static String mismatch(
        final FencedBlock expected, final List<String> want, final int w, final List<String> got, final int g)
    {
        if (w == want.size())
        {
            return g == got.size() ? null :
                "after README line " + expected.fileLine(w - 1) + ", the end of the output it shows, the snippet " +
                    "printed more: \"" + got.get(g) + "\"";
        }
        if (ANY_LINES.equals(want.get(w).trim()))
        {
            String first = null;
            for (int skip = g; skip <= got.size(); skip++)
            {
                final String rest = mismatch(expected, want, w + 1, got, skip);
                if (rest == null)
                {
                    return null;
                }
                first = first == null ? rest : first;
            }
            return first;
        }
        if (g == got.size())
        {
            return "README line " + expected.fileLine(w) + " shows \"" + want.get(w) + "\", but the output had " +
                "ended";
        }
        if (!mask(want.get(w)).equals(mask(got.get(g))))
        {
            return "README line " + expected.fileLine(w) + " shows\n    \"" + want.get(w) + "\"\nbut the snippet " +
                "printed\n    \"" + got.get(g) + "\"";
        }
        return mismatch(expected, want, w + 1, got, g + 1);
    }

    private static List<String> withoutTrailingEmpty(final List<String> lines)
    {
        final List<String> trimmed = new ArrayList<>(lines);
        while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isBlank())
        {
            trimmed.remove(trimmed.size() - 1);
        }
        return trimmed;
    }
}
