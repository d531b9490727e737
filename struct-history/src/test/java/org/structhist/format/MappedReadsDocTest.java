package org.structhist.format;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/DESIGN.md's table "Values a writer reads from the file, and their checks" is complete: its
 * inventory line holds, per source file, the number of reads of mapped memory in the main code of
 * struct-history and offheap-alloc (readers and examples excepted), and each such file appears in the
 * table. A new read changes a count and fails here until the table has its row and check.
 */
class MappedReadsDocTest
{
    /**
     * A read through a buffer, or at a raw address ({@code UnsafeApi} with a null base, as the event write path
     * reads State and Claimed Ref Delta, or with the address alone); {@code UnsafeApi} reads of a heap object's
     * field (an object, then an offset) are not mapped memory.
     */
    private static final Pattern READ = Pattern.compile(
        "\\b(?:buffer|memory|heap)\\.(?:get\\w*|compareAndSet\\w*)\\(" +
        "|\\bUnsafeApi\\.(?:get\\w*|compareAndSet\\w*)\\((?:null\\b|[^,()]*\\))");
    private static final Pattern INVENTORY = Pattern.compile("<!-- mapped-reads: (.*?) -->");

    private static Map<String, Integer> countReads() throws IOException
    {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final Path root : new Path[] {Paths.get("src", "main", "java"),
            Paths.get("..", "offheap-alloc", "src", "main", "java")})
        {
            try (Stream<Path> files = Files.walk(root))
            {
                for (final Path file : (Iterable<Path>)files.filter(p -> p.toString().endsWith(".java"))::iterator)
                {
                    final String path = file.toString().replace('\\', '/');
                    if (path.contains("/reader/") || path.contains("/example/"))
                    {
                        continue;
                    }
                    final Matcher matcher = READ.matcher(Files.readString(file));
                    int n = 0;
                    while (matcher.find())
                    {
                        n++;
                    }
                    if (n > 0)
                    {
                        counts.put(file.getFileName().toString(), n);
                    }
                }
            }
        }
        return counts;
    }

    @Test
    void everyReadOfMappedMemoryIsInTheTable() throws IOException
    {
        final String design = Files.readString(Paths.get("..", "docs", "DESIGN.md"));
        final int start = design.indexOf("## Values a writer reads from the file, and their checks");
        assertTrue(start >= 0, "docs/DESIGN.md has no section 'Values a writer reads from the file, and their checks'");
        final int end = design.indexOf("\n## ", start + 4);
        final String section = design.substring(start, end < 0 ? design.length() : end);
        final Matcher inventory = INVENTORY.matcher(section);
        assertTrue(inventory.find(), "the section has no <!-- mapped-reads: ... --> inventory line");
        final Map<String, Integer> documented = new TreeMap<>();
        for (final String pair : inventory.group(1).trim().split("\\s+"))
        {
            final String[] kv = pair.split("=");
            documented.put(kv[0], Integer.parseInt(kv[1]));
        }
        final Map<String, Integer> actual = countReads();
        assertEquals(actual.toString(), documented.toString(), "reads of mapped memory per file changed: give each " +
            "new read its row and check in docs/DESIGN.md, then update the inventory line to " + actual);
        for (final String file : actual.keySet())
        {
            final String className = file.substring(0, file.length() - ".java".length());
            assertTrue(section.replace(inventory.group(), "").contains(className),
                className + " reads mapped memory but the table never names it");
        }
    }
}
