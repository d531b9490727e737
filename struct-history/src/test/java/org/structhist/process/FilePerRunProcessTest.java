package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.reader.HistoryReader;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code -Dstructhist.file=...-%p.hist}: each run (process) starts a file of its own, named by its pid. */
class FilePerRunProcessTest
{
    @TempDir
    Path dir;

    @Test
    void eachProcessOpensTheFileNamedByItsPid()
    {
        final String template = dir.resolve("run-%p.hist").toString();
        for (int run = 0; run < 2; run++)
        {
            try (ChildJvm child =
                ChildJvm.of(DefaultFileChild.class).property(HistoryFile.FILE_PROPERTY, template).start())
            {
                final Path expected = dir.resolve("run-" + child.pid() + ".hist");
                assertEquals("PATH " + expected, child.awaitLine("PATH ", ChildJvm.STARTUP_TIMEOUT));
                assertEquals(0, child.awaitExit(ChildJvm.EXIT_TIMEOUT));
                try (HistoryReader reader = HistoryReader.open(expected))
                {
                    assertEquals(1, reader.writers().size(), "one run per file");
                    assertEquals(child.pid(), reader.writers().get(0).pid());
                }
            }
        }
        assertFalse(Files.exists(dir.resolve("run-%p.hist")));
    }
}
