package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FIFO, a directory or a device where a file is expected: every command refuses it before opening it,
 * with exit 3 and one sentence. Opening a FIFO to read blocks until a writer comes, so without the check
 * info, check, tail and heap hung forever (issue 10); the timeout here turns a hang into a failure.
 */
class NonRegularFileTest
{
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static Path fifo;

    @BeforeAll
    static void makeFifo() throws Exception
    {
        fifo = dir.resolve("pipe.hist");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"info", "objects", "check", "show --obj 0xa0", "tail --exit-after 1",
        "export --format json -o OUT", "export --format chrome -o OUT"})
    void everyHistoryCommandRefusesAFifoAtOnce(final String command)
    {
        final List<String> args = new ArrayList<>(List.of("--file", fifo.toString(), "--no-color"));
        args.addAll(List.of(command.replace("OUT", dir.resolve("out.json").toString()).split(" ")));
        final Cli.Result result = assertTimeoutPreemptively(LIMIT, () -> Cli.run(args.toArray(new String[0])));
        result.exits(ExitCode.BAD_FILE).noStackTrace().saysOneSentence("FIFO");
        result.errContains(fifo.toString());
    }

    @Test
    void theShortcutRefusesAFifo()
    {
        final Cli.Result result = assertTimeoutPreemptively(LIMIT,
            () -> Cli.run("--file", fifo.toString(), "--obj", "0xa0"));
        result.exits(ExitCode.BAD_FILE).noStackTrace().saysOneSentence("FIFO");
    }

    @Test
    void theHeapCommandRefusesAFifoAsHeapFile()
    {
        final Cli.Result result = assertTimeoutPreemptively(LIMIT,
            () -> Cli.run("heap", "--heap-file", fifo.toString()));
        result.exits(ExitCode.BAD_FILE).noStackTrace().saysOneSentence("FIFO");
    }

    @Test
    void aDirectoryOrADeviceIsRefusedToo()
    {
        Cli.run("--file", dir.toString(), "info").exits(ExitCode.BAD_FILE).noStackTrace().saysOneSentence("directory");
        assertTimeoutPreemptively(LIMIT, () -> Cli.run("--file", "/dev/zero", "check"))
            .exits(ExitCode.BAD_FILE).noStackTrace().saysOneSentence("character device");
    }
}
