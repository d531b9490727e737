package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.shdump.output.HtmlReport;
import org.structhist.shdump.output.HtmlText;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTML page as text, without a browser (HtmlPageBrowserTest loads it in one): the CLI options, escaping
 * of every text from the file, the content security policy, the bounds.
 */
class HtmlReportTest
{
    @TempDir
    static Path dir;

    private static Path history;
    private static String page;

    @BeforeAll
    static void writePage() throws Exception
    {
        history = dir.resolve("html.hist");
        HtmlFixture.write(history);
        Cli.on(history, "show", "--obj", "0x2a", "--html", dir.resolve("show.html").toString()).exits(ExitCode.OK)
            .errContains("wrote 2 incarnations of 0x2a to ");
        page = Files.readString(dir.resolve("show.html"));
    }

    @Test
    void escapesEveryTextFromTheFile()
    {
        assertEquals("&lt;/script&gt;&lt;img src=x onerror=&quot;a&#39;&quot;&gt; &amp;\uFFFD",
            HtmlText.escape("</script><img src=x onerror=\"a'\">\n&\u0001"));
        assertFalse(page.contains(HtmlFixture.SCRIPT_PAYLOAD), "the </script> payload is escaped");
        assertFalse(page.contains(HtmlFixture.IMG_PAYLOAD), "the <img onerror> payload is escaped");
        assertFalse(page.contains(HtmlFixture.HOSTILE_THREAD), "the thread name is escaped");
        assertTrue(page.contains(HtmlText.escape(HtmlFixture.SCRIPT_PAYLOAD)));
        assertTrue(page.contains(HtmlText.escape(HtmlFixture.HOSTILE_THREAD)));
        // No element of the page carries an inline handler, and exactly one script element is there: ours.
        assertFalse(Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(page).find());
        assertEquals(1, count(page, "<script"));
    }

    @Test
    void policyForbidsNetworkAndAdmitsOnlyItsOwnStyleAndScript() throws Exception
    {
        final Matcher policy = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")
            .matcher(page);
        assertTrue(policy.find(), "a CSP meta element");
        assertTrue(policy.start() < page.indexOf("<style>"), "the policy comes before anything it governs");
        final String csp = policy.group(1);
        assertTrue(csp.startsWith("default-src 'none'; "), csp);
        assertFalse(csp.contains("unsafe"), csp);
        final String style = between(page, "<style>", "</style>");
        final String script = between(page, "<script>", "</script>");
        assertTrue(csp.contains("style-src '" + sha256(style) + "'"), "the style sheet's hash: " + csp);
        assertTrue(csp.contains("script-src '" + sha256(script) + "'"), "the script's hash: " + csp);
        // Nothing to fetch: the one URL is SVG's namespace name, which no browser loads.
        assertEquals(count(page, "//"), count(page, "xmlns=\"http://www.w3.org/2000/svg\""));
        assertFalse(page.contains("style=\""), "no style attribute: the policy would refuse it");
    }

    @Test
    void drawsEachIncarnationNewestLastWithItsAnomaliesInCheckWords()
    {
        assertEquals(2, count(page, "<section "));
        assertTrue(page.indexOf("incarnation 1") < page.indexOf("incarnation 2"));
        final Cli.Result check = Cli.on(history, "check", "--json").exits(ExitCode.FOUND);
        for (final String line : check.linesWith("\"address\":\"0x2a\""))
        {
            final Matcher detail = Pattern.compile("\"detail\":\"([^\"]*)\"").matcher(line);
            assertTrue(detail.find(), line);
            assertTrue(page.contains(HtmlText.escape(detail.group(1))), "the page says " + detail.group(1));
        }
        assertTrue(check.lines().stream().anyMatch(l -> l.contains("\"address\":\"0x2a\"")));
    }

    @Test
    void showsTheDroppedGapWithItsCount()
    {
        final Path gap = dir.resolve("gap.html");
        Cli.on(history, "--obj", "0x3b", "--html", gap.toString()).exits(ExitCode.OK);
        final String html = read(gap);
        final long dropped = Histories.incarnation(history, 0x3b).droppedEvents();
        assertTrue(dropped > 0);
        assertTrue(html.contains(">" + dropped + " dropped</text>"), "the gap band says " + dropped + " dropped");
        assertTrue(html.contains("class=\"count computed\""), "counts computed from the verbs: dashed line");
        assertEquals(40, count(html, "<circle class=\"m "), "a mark per kept event");
    }

    @Test
    void checkWritesEveryHistoryWithAnomaliesBugsFirst()
    {
        final Path html = dir.resolve("check.html");
        Cli.on(history, "check", "--html", html.toString()).exits(ExitCode.FOUND)
            .errContains("with anomalies to " + html);
        final String text = read(html);
        assertEquals(1, count(text, "<section "), "only the second 0x2a has anomalies");
        assertTrue(text.contains("REFCOUNT_BELOW_ZERO"));
        assertTrue(text.indexOf("<ul class=\"anomalies summary\">") < text.indexOf("<section "), "anomalies first");
    }

    @Test
    void userMistakesGetOneSentence()
    {
        Cli.on(history, "--obj", "0x2a", "--json", "--html", dir.resolve("x.html").toString())
            .exits(ExitCode.USAGE).saysOneSentence("--html draws every kept event");
        Cli.on(history, "--html", dir.resolve("x.html").toString()).exits(ExitCode.USAGE)
            .saysOneSentence("--html goes with --obj");
        Cli.on(history, "--obj", "0x2a", "--html", dir.resolve("no/such/dir.html").toString())
            .exits(ExitCode.BAD_FILE).saysOneSentence("does not exist");
        Cli.on(history, "--obj", "0x2a", "--html", history.toString()).exits(ExitCode.USAGE)
            .saysOneSentence("history file being read");
        assertFalse(Files.exists(dir.resolve("x.html")));
    }

    /** The one call the demo makes for its victim. */
    @Test
    void oneCallWritesThePageOfAnAddress()
    {
        final Path html = dir.resolve("api.html");
        try (org.structhist.reader.HistoryReader reader = org.structhist.reader.HistoryReader.open(history))
        {
            assertEquals(2, HtmlReport.write(reader, history, 0x2a, html.toString()));
            assertEquals(0, HtmlReport.write(reader, history, 0x999, dir.resolve("none.html").toString()));
        }
        final String text = read(html);
        assertEquals(2, count(text, "<section "));
        assertTrue(text.contains("REFCOUNT_BELOW_ZERO #8"));
        assertFalse(Files.exists(dir.resolve("none.html")), "no page when no incarnation is in the window");
    }

    @Test
    void cutsLongTexts()
    {
        final String escaped = HtmlText.escape("x".repeat(100_000));
        assertEquals(HtmlText.MAX_CHARS + 1, escaped.length());
        assertTrue(escaped.endsWith("…"));
    }

    static int count(final String text, final String what)
    {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length()))
        {
            n++;
        }
        return n;
    }

    private static String between(final String text, final String open, final String close)
    {
        final int from = text.indexOf(open) + open.length();
        return text.substring(from, text.indexOf(close, from));
    }

    private static String sha256(final String text) throws Exception
    {
        return "sha256-" + Base64.getEncoder().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String read(final Path path)
    {
        try
        {
            return Files.readString(path);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
