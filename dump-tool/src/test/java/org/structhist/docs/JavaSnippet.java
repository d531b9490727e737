package org.structhist.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A README ```java block made into a class, the way JShell reads a snippet: its import lines stay
 * imports, each type declared at the start of a line (enum, record, class, interface) becomes a static
 * nested type, each method declared at the start of a line a static method, and every other line is a
 * statement of {@code main}. README shows what a user writes in
 * their own method; this is the least wrapping that compiles it as written. Each line of the generated
 * source remembers its README line, so a compiler error names the line a reader would fix.
 */
final class JavaSnippet
{
    private static final Pattern IMPORT = Pattern.compile("^import\\s+.*;\\s*$");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
        "^(?:(?:public|final|abstract|sealed|non-sealed|static)\\s+)*(enum|record|class|interface)\\s+\\w+.*");

    /**
     * A method declared at the start of a line: modifiers, a return type, a name, parameters, then
     * {@code {}. Statements never match: a call has no return type before it, and the control-flow
     * keywords are excluded by {@link #isMethodDeclaration}.
     */
    private static final Pattern METHOD_DECLARATION = Pattern.compile(
        "^(?:(?:public|private|protected|static|final|synchronized)\\s+)*(?:<[^>]+>\\s+)?" +
        "([\\w.]+(?:<.*>)?(?:\\[\\])*)\\s+(\\w+)\\s*\\(.*\\)\\s*(?:throws\\s+[\\w.,\\s]+)?\\{\\s*$");
    private static final Set<String> KEYWORDS = Set.of(
        "if", "else", "for", "while", "do", "switch", "try", "catch", "finally", "synchronized", "return", "new",
        "throw", "case", "default");

    final String className;
    final String source;
    /** README line of each line of {@link #source} (1-based), 0 for a line the wrapping added. */
    private final int[] readmeLines;

    private JavaSnippet(final String className, final List<String> lines, final List<Integer> origins)
    {
        this.className = className;
        this.source = String.join("\n", lines) + "\n";
        this.readmeLines = origins.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The README line of a line of the generated source (1-based), 0 when the wrapping added it. */
    int readmeLine(final long sourceLine)
    {
        return sourceLine >= 1 && sourceLine <= readmeLines.length ? readmeLines[(int)sourceLine - 1] : 0;
    }

    static JavaSnippet of(final String className, final FencedBlock block)
    {
        return of(className, List.of(block), "");
    }

    /**
     * One program from a snippet and the snippets that continue it: their imports, types and methods
     * together, and their statements in order in one {@code main}, so a later part sees the earlier parts'
     * variables. {@code boundary} is a statement put between the parts' statements (the test's marker
     * line, to split the output by part).
     */
    static JavaSnippet of(final String className, final List<FencedBlock> parts, final String boundary)
    {
        final List<String> imports = new ArrayList<>();
        final List<Integer> importOrigins = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<Integer> typeOrigins = new ArrayList<>();
        final List<String> statements = new ArrayList<>();
        final List<Integer> statementOrigins = new ArrayList<>();

        for (final FencedBlock block : parts)
        {
            if (block != parts.get(0))
            {
                statements.add(boundary);
                statementOrigins.add(0);
            }
            int i = 0;
            while (i < block.lines.size())
            {
                final String line = block.lines.get(i);
                if (IMPORT.matcher(line).matches())
                {
                    imports.add(line);
                    importOrigins.add(block.fileLine(i));
                    i++;
                }
                else if (TYPE_DECLARATION.matcher(line).matches() || isMethodDeclaration(line))
                {
                    // A type or method runs until its braces balance. Static and nested (legal, if redundant, for
                    // enum, record and interface), so that main and the others can use it as the README does.
                    types.add(line.matches("^(?:\\w+\\s+)*static\\s.*") ? line : "static " + line);
                    typeOrigins.add(block.fileLine(i));
                    int depth = braceBalance(line);
                    boolean opened = line.indexOf('{') >= 0;
                    i++;
                    while (i < block.lines.size() && (!opened || depth > 0))
                    {
                        final String typeLine = block.lines.get(i);
                        depth += braceBalance(typeLine);
                        opened |= typeLine.indexOf('{') >= 0;
                        types.add(typeLine);
                        typeOrigins.add(block.fileLine(i));
                        i++;
                    }
                }
                else
                {
                    statements.add(line);
                    statementOrigins.add(block.fileLine(i));
                    i++;
                }
            }
        }

        final List<String> lines = new ArrayList<>(imports);
        final List<Integer> origins = new ArrayList<>(importOrigins);
        add(lines, origins, "public final class " + className + " {");
        lines.addAll(types);
        origins.addAll(typeOrigins);
        add(lines, origins, "public static void main(final String[] args) throws Exception {");
        lines.addAll(statements);
        origins.addAll(statementOrigins);
        add(lines, origins, "}}");
        return new JavaSnippet(className, lines, origins);
    }

    static boolean isMethodDeclaration(final String line)
    {
        final Matcher m = METHOD_DECLARATION.matcher(line);
        return m.matches() && !KEYWORDS.contains(m.group(1)) && !KEYWORDS.contains(m.group(2));
    }

    private static void add(final List<String> lines, final List<Integer> origins, final String line)
    {
        lines.add(line);
        origins.add(0);
    }

    /** Opening minus closing braces of a line, outside string and char literals and // comments. */
    static int braceBalance(final String line)
    {
        int balance = 0;
        char quote = 0;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (quote != 0)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = 0;
                }
            }
            else if (c == '"' || c == '\'')
            {
                quote = c;
            }
            else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/')
            {
                break;
            }
            else if (c == '{')
            {
                balance++;
            }
            else if (c == '}')
            {
                balance--;
            }
        }
        return balance;
    }
}
