package org.structhist.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with the links of one Markdown file of the repository: a link users cannot follow once
 * they have only the repository. A relative link must resolve inside the repository root to a file that
 * exists, and its {@code #anchor}, if any, to a heading of that file (GitHub's slugs); a link with a scheme
 * (https:, mailto:) is left alone. Any mention of {@code ../shared} or {@code /work/shared} (the team's own
 * notes, outside the repository) is wrong wherever it is, in a link, a code span or a code block.
 */
final class DocLinks
{
    private static final Pattern INLINE_LINK =
        Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile(
        "^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML_LINK = Pattern.compile("(?:href|src)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)\\s*=\\s*\"([^\"]+)\"");
    private static final List<String> OUTSIDE_MENTIONS = List.of("../shared", "/work/shared");

    private final Path root;
    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    DocLinks(final Path root)
    {
        this.root = root.toAbsolutePath().normalize();
    }

    /** One sentence per problem, each naming the file and line; empty when every link can be followed. */
    List<String> problems(final Path file) throws IOException
    {
        final List<String> problems = new ArrayList<>();
        final Path absolute = file.toAbsolutePath().normalize();
        final String name = root.relativize(absolute).toString();
        final List<String> lines = Files.readAllLines(absolute);
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            final String where = name + " line " + (i + 1);
            for (final String mention : OUTSIDE_MENTIONS)
            {
                if (line.contains(mention))
                {
                    problems.add(where + " points outside the repository (" + mention + "), where users have " +
                        "nothing: say it here or in docs/");
                }
            }
            if (line.startsWith("```"))
            {
                inFence = !inFence;
                continue;
            }
            if (inFence)
            {
                continue;
            }
            final String text = CODE_SPAN.matcher(line).replaceAll("");
            for (final Pattern pattern : List.of(INLINE_LINK, REFERENCE_DEFINITION, HTML_LINK))
            {
                final Matcher m = pattern.matcher(text);
                while (m.find())
                {
                    final String problem = problem(absolute, m.group(1));
                    if (problem != null)
                    {
                        problems.add(where + ": the link " + m.group(1) + " " + problem);
                    }
                }
            }
        }
        return problems;
    }

    private String problem(final Path file, final String target) throws IOException
    {
        if (SCHEME.matcher(target).matches())
        {
            return null;
        }
        final int hash = target.indexOf('#');
        final String pathPart = hash < 0 ? target : target.substring(0, hash);
        final String anchor = hash < 0 ? null : target.substring(hash + 1);
        if (pathPart.startsWith("/"))
        {
            return "is absolute: it means another place on every machine; make it relative";
        }
        final Path resolved = pathPart.isEmpty() ? file : file.getParent().resolve(pathPart).normalize();
        if (!resolved.startsWith(root))
        {
            return "leaves the repository (it resolves to " + resolved + ")";
        }
        if (!Files.exists(resolved))
        {
            return "names a file the repository does not have";
        }
        if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md") &&
            !anchors(resolved).contains(anchor))
        {
            return "names an anchor " + root.relativize(resolved) + " has no heading for";
        }
        return null;
    }

    private Set<String> anchors(final Path file) throws IOException
    {
        final Set<String> cached = anchorsByFile.get(file);
        if (cached != null)
        {
            return cached;
        }
        final Set<String> anchors = new HashSet<>();
        final Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (final String line : Files.readAllLines(file))
        {
            if (line.startsWith("```"))
            {
                inFence = !inFence;
                continue;
            }
            if (inFence)
            {
                continue;
            }
            final Matcher heading = HEADING.matcher(line);
            if (heading.matches())
            {
                // GitHub's anchors: repeated headings get -1, -2, ...
                final String slug = slug(heading.group(1));
                final int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
            final Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find())
            {
                anchors.add(html.group(1));
            }
        }
        anchorsByFile.put(file, anchors);
        return anchors;
    }

    /** GitHub's heading anchor: lower case, punctuation dropped but for - and _, spaces made hyphens. */
    static String slug(final String heading)
    {
        return heading.toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
            .replace(' ', '-');
    }
}
