package org.structhist.internal;

import org.structhist.FileOptions;

import java.nio.file.Path;

/** Tests map files with the API's options; MappedFile takes them translated, as HistoryFile passes them. */
public final class MappedFiles
{
    private MappedFiles()
    {
    }

    public static MappedFile createOrAttach(final Path path, final FileOptions options)
    {
        return MappedFile.createOrAttach(
            path, options.layoutRequest(), options.access(), options.attachTimeoutMillis());
    }
}
