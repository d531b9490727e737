package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in a real browser: Debian's headless chromium, a child process, on the file shdump wrote.
 * Skipped with a message when no chromium is installed (.ci/run installs it).
 */
class HtmlPageBrowserTest
{
    @TempDir
    static Path dir;

    private static Path history;
    private static Path page;
    private static Chromium chromium;

    @BeforeAll
    static void writePage() throws Exception
    {
        chromium = Chromium.find(dir.resolve("profile"));
        history = dir.resolve("html.hist");
        HtmlFixture.write(history);
        page = dir.resolve("0x2a.html");
        Cli.on(history, "--obj", "0x2a", "--html", page.toString()).exits(ExitCode.OK);
    }

    @Test
    void drawsALanePerThreadAMarkPerEventTheCountLineAndTheAnomaly() throws Exception
    {
        final String dom = chromium.dumpDom(page);
        final String[] sections = dom.split("<section ");
        assertEquals(3, sections.length, "one section per incarnation");
        // The clean life: one thread, 4 events. The bad one: acceptor, tcpworker-1, the markup-named thread,
        // tcpworker-2, tcpworker-3; 9 events.
        assertEquals(1, HtmlReportTest.count(sections[1], "<rect class=\"lane "));
        assertEquals(4, HtmlReportTest.count(sections[1], "<circle class=\"m "));
        assertEquals(5, HtmlReportTest.count(sections[2], "<rect class=\"lane "));
        assertEquals(9, HtmlReportTest.count(sections[2], "<circle class=\"m "));
        assertTrue(sections[2].contains(">pid " + ProcessHandle.current().pid() + " tcpworker-2</text>"));
        assertTrue(sections[2].contains("<path class=\"count logged\" d=\"M"), "the logged count line");
        assertTrue(sections[2].contains("<path class=\"count computed\" d=\"M"), "the computed count line");
        assertTrue(sections[2].contains("<path class=\"handoff\""), "the hand-off arrow");
        final Matcher anomaly = Pattern.compile("<circle class=\"anomaly\" data-pos=\"(\\d+)\"").matcher(sections[2]);
        assertTrue(anomaly.find(), "the anomaly marked");
        assertEquals("8", anomaly.group(1), "at the extra unref");
        assertTrue(sections[2].contains("<rect class=\"culprit\""), "the culprit marked");
        assertTrue(sections[2].contains("REFCOUNT_BELOW_ZERO #8"), "listed under the chart");
        assertFalse(sections[1].contains("class=\"anomaly\""), "the clean life has none");
    }

    @Test
    void hostileMessagesAreTextAndRunNothing() throws Exception
    {
        final String dom = chromium.dumpDom(page);
        // Had any payload run, it would have renamed the document; our own script marks the body instead.
        assertTrue(dom.contains("<title>shdump --obj 0x2a</title>"), "document title untouched");
        assertFalse(dom.contains("pwned-script</title>") || dom.contains("pwned-img</title>"));
        assertTrue(dom.contains("data-script=\"ran\""), "the page's own script ran: the policy admits it by hash");
        assertFalse(dom.contains("<img"), "no img element came out of a message");
        assertFalse(dom.contains("<b "), "no b element came out of a thread name");
        assertEquals(1, HtmlReportTest.count(dom, "<script"), "only the page's own script element");
        assertTrue(dom.contains("release &lt;/script&gt;&lt;script&gt;document.title='pwned-script'&lt;/script&gt;"),
            "shown as text");
        assertTrue(dom.contains("note &lt;img src=x onerror=\"document.title='pwned-img'\"&gt;"), "shown as text");
    }

    /**
     * The policy, tested for the day escaping fails: markup that fetches from a server on 127.0.0.1 and a
     * script are put straight into the page. With the page's policy, no connection reaches the server and
     * the script does not run; with the policy taken out, the same page connects (so the server would see it).
     */
    @Test
    void policyBlocksEveryRequestAndInjectedScript() throws Exception
    {
        final String html = Files.readString(page);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final AtomicInteger connections = listen(server);
            final String injected = "<img src=\"http://127.0.0.1:" + server.getLocalPort() + "/canary.png\">" +
                "<link rel=\"stylesheet\" href=\"http://127.0.0.1:" + server.getLocalPort() + "/canary.css\">" +
                "<script>document.title='injected'</script></body>";
            final Path guarded = dir.resolve("guarded.html");
            Files.writeString(guarded, html.replace("</body>", injected));
            final String dom = chromium.dumpDom(guarded);
            assertFalse(dom.contains("<title>injected</title>"), "the injected script did not run");
            assertEquals(0, connections.get(), "no request left the page");

            final Path open = dir.resolve("open.html");
            Files.writeString(open, html.replace("</body>", injected)
                .replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", ""));
            final String openDom = chromium.dumpDom(open);
            assertTrue(openDom.contains("<title>injected</title>"), "without the policy the script runs");
            assertTrue(connections.get() > 0, "without the policy the canary is fetched: the server sees requests");
        }
    }

    @Test
    void screenshotShowsTheChart() throws Exception
    {
        final Path png = dir.resolve("0x2a.png");
        chromium.screenshot(page, png, 1300, 760);
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1300, image.getWidth());
        // The anomaly ring's red, the REF green and the count line's blue are on it: the chart was painted.
        assertTrue(has(image, 0xdd0000), "red anomaly mark");
        assertTrue(has(image, 0x2e9e44), "green REF mark");
        assertTrue(has(image, 0x1f4e9c), "blue count line");
    }

    /**
     * 10,018 events from 16 threads (and "main" twice, a lane each): the page draws the first and last 1,000
     * and marks the rest.
     */
    @Test
    void tenThousandEventsFromSixteenThreads() throws Exception
    {
        final Path big = dir.resolve("big.hist");
        HtmlFixture.writeMany(big, 16, 313);
        final Path bigPage = dir.resolve("big.html");
        Cli.on(big, "--obj", "0x4c", "--html", bigPage.toString()).exits(ExitCode.OK);
        final long start = System.nanoTime();
        final String dom = chromium.dumpDom(bigPage);
        final long millis = (System.nanoTime() - start) / 1_000_000;
        // Reported, not asserted: a loaded CI machine is no place for a speed target.
        System.out.println("HtmlPageBrowserTest: 10,000-event page (" + Files.size(bigPage) + " bytes) loaded and " +
            "dumped by headless chromium in " + millis + " ms");
        assertEquals(2000, HtmlReportTest.count(dom, "<circle class=\"m "));
        assertEquals(18, HtmlReportTest.count(dom, "<rect class=\"lane "));
        assertTrue(dom.contains(">8018 kept, not drawn</text>"), "the band for the events not drawn");
    }

    private static boolean has(final BufferedImage image, final int rgb)
    {
        for (int y = 0; y < image.getHeight(); y++)
        {
            for (int x = 0; x < image.getWidth(); x++)
            {
                final int p = image.getRGB(x, y) & 0xffffff;
                if (Math.abs((p >> 16) - (rgb >> 16)) < 12 && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 12 &&
                    Math.abs((p & 0xff) - (rgb & 0xff)) < 12)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static AtomicInteger listen(final ServerSocket server)
    {
        final AtomicInteger connections = new AtomicInteger();
        final Thread acceptor = new Thread(() ->
        {
            while (true)
            {
                try (Socket socket = server.accept())
                {
                    connections.incrementAndGet();
                }
                catch (final SocketException closed)
                {
                    return;
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        }, "canary-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return connections;
    }
}
