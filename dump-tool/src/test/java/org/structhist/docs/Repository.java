package org.structhist.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The repository's root and the documentation it ships, found from where Surefire runs (the module). */
final class Repository
{
    private Repository()
    {
    }

    /** The nearest directory above the working directory that holds both README.md and docs/. */
    static Path root()
    {
        for (Path at = Paths.get("").toAbsolutePath(); at != null; at = at.getParent())
        {
            if (Files.isRegularFile(at.resolve("README.md")) && Files.isDirectory(at.resolve("docs")))
            {
                return at.normalize();
            }
        }
        throw new IllegalStateException("no README.md with a docs/ beside it above " + Paths.get("").toAbsolutePath());
    }

    /**
     * Every Markdown file of the repository: README.md, docs/*.md, the modules' READMEs and any other,
     * outside build output (target/) and hidden directories (.git, .ci).
     */
    static List<Path> markdownFiles(final Path root)
    {
        try (Stream<Path> files = Files.walk(root))
        {
            return files
                .filter(path -> path.toString().endsWith(".md") && Files.isRegularFile(path))
                .filter(path -> !isBuildOrHidden(root.relativize(path)))
                .sorted()
                .collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean isBuildOrHidden(final Path relative)
    {
        for (final Path part : relative)
        {
            final String name = part.toString();
            if ("target".equals(name) || name.startsWith("."))
            {
                return true;
            }
        }
        return false;
    }
}
