package org.structhist;

import java.nio.file.Path;

/** Small history files for tests: fast to create, big enough for what each test logs. */
public final class TestFiles
{
    private TestFiles()
    {
    }

    public static HistoryFile open(final Path path)
    {
        return HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20));
    }

    public static HistoryFile open(final Path path, final long sizeBytes)
    {
        return HistoryFile.open(path, FileOptions.defaults().sizeBytes(sizeBytes));
    }
}
