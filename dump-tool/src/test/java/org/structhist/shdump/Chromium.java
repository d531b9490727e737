package org.structhist.shdump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless chromium, run as a real child process on a page file, with every background network
 * feature it can turn off turned off.
 */
final class Chromium
{
    private static final String[] NAMES = {"chromium", "chromium-browser", "google-chrome"};

    private final Path executable;
    private final Path profile;

    private Chromium(final Path executable, final Path profile)
    {
        this.executable = executable;
        this.profile = profile;
    }

    /** The browser on the PATH, else the test is skipped (it runs in CI, where .ci/run installs chromium). */
    static Chromium find(final Path profile)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            for (final String name : NAMES)
            {
                final Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate))
                {
                    return new Chromium(candidate, profile);
                }
            }
        }
        assumeTrue(false, "no chromium on the PATH: the HTML page's browser test is skipped " +
            "(apt-get install chromium; .ci/run installs it)");
        return null;
    }

    /** The DOM after the page's scripts ran. */
    String dumpDom(final Path page) throws IOException, InterruptedException
    {
        return run(page, "--dump-dom");
    }

    /** A PNG of the page's first {@code width} x {@code height} pixels. */
    void screenshot(final Path page, final Path png, final int width, final int height)
        throws IOException, InterruptedException
    {
        run(page, "--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars");
    }

    private String run(final Path page, final String... what) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + profile));
        command.addAll(List.of(what));
        command.add(page.toUri().toString());
        final Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
        final Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        final byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 60 s: " + command);
        }
        if (process.exitValue() != 0)
        {
            throw new AssertionError("chromium exited " + process.exitValue() + ": " + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
