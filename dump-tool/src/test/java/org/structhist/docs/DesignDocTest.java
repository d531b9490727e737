package org.structhist.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/DESIGN.md names, for each invariant, the tests that fail when it breaks: those names must stay
 * true. Every test class it names in backticks exists in the repository's sources, and every test method
 * it names in parentheses right after a class, as in {@code `HistoryListTest` (`internsFormatsAndVerbsOnce`)},
 * is a method of that class. A renamed or deleted test fails this until the document follows.
 */
class DesignDocTest
{
    private static final Pattern TEST_CLASS = Pattern.compile("`([A-Z]\\w*Test)`(\\s*\\(([^)]*)\\))?");
    private static final Pattern METHOD = Pattern.compile("`([a-z]\\w*)`");

    @Test
    void everyTestTheDesignNamesExists() throws IOException
    {
        final Path root = Repository.root();
        // Lines joined: a parenthesis may continue on the next line of the paragraph.
        final String design = String.join(" ", Files.readAllLines(root.resolve("docs/DESIGN.md")));
        final Map<String, Path> sources = javaSources(root);
        final List<String> problems = new ArrayList<>();
        int named = 0;
        final Matcher m = TEST_CLASS.matcher(design);
        while (m.find())
        {
            named++;
            final Path source = sources.get(m.group(1));
            if (source == null)
            {
                problems.add(m.group(1) + " is no class of the repository");
                continue;
            }
            if (m.group(3) != null)
            {
                final String code = Files.readString(source);
                final Matcher method = METHOD.matcher(m.group(3));
                while (method.find())
                {
                    if (!Pattern.compile("\\bvoid\\s+" + method.group(1) + "\\s*\\(").matcher(code).find())
                    {
                        problems.add(m.group(1) + " has no test method " + method.group(1));
                    }
                }
            }
        }
        assertTrue(named >= 20, "docs/DESIGN.md names " + named + " test classes: is the Invariants section there?");
        assertEquals(List.of(), problems, "docs/DESIGN.md names tests that do not exist:\n" +
            String.join("\n", problems));
    }

    private static Map<String, Path> javaSources(final Path root)
    {
        final Map<String, Path> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".java") &&
                f.toString().contains("/src/") && !f.toString().contains("/target/")).collect(Collectors.toList()))
            {
                final String name = file.getFileName().toString();
                sources.put(name.substring(0, name.length() - ".java".length()), file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return sources;
    }
}
