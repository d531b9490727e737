package org.structhist.format;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A parsed {@code docs/FORMAT.md}: its descriptor sections, their offset tables and the constant values
 * the text states. The rules it parses by are described in {@link FormatDocTest}.
 */
final class FormatDoc
{
    /** Surefire runs with the module directory as working directory. */
    /**
     * The document and the descriptor package it describes: FORMAT.md and org.structhist.format unless a
     * test of another module's format (the heap's HEAP-FORMAT.md) retargets it with {@link #target}.
     */
    static Path docPath = Paths.get("..", "docs", "FORMAT.md");

    static final String TABLE_HEADER = "| Offset | Size | Field | Meaning |";

    static String descriptorPackage = "org.structhist.format.";
    /** A class of the descriptor package, to find where its compiled classes are. */
    static Class<?> anchorClass = FileHeaderDescriptor.class;
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*)$");
    private static final Pattern SECTION_CLASS = Pattern.compile("\\(`(\\w+Descriptor)`\\)");
    private static final Pattern CLAIM = Pattern.compile(
        "`(?:([A-Za-z][A-Za-z0-9]*)\\.)?([A-Z][A-Z0-9_]*)`\\s*=\\s*(0x[0-9A-Fa-f]+|\\d+)");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");

    /** One row of an offset table. */
    record Row(int line, int offset, String size, int fixedSize, String field, String constant)
    {
        boolean hasFixedSize()
        {
            return fixedSize >= 0;
        }

        /** Whether the row must match a {@code *_OFFSET} constant (not reserved, not in italics). */
        boolean isNamed()
        {
            return constant != null;
        }
    }

    /** One offset table. */
    record Table(int line, List<Row> rows)
    {
    }

    /** A statement "`NAME` = value" or "`Class.NAME` = value" in the prose or a table. */
    record Claim(String className, String name, String value, long parsedValue)
    {
    }

    /** The part of the document under a heading that names a descriptor class. */
    static final class Section
    {
        final String descriptor;
        final int line;
        final int level;
        final List<Table> tables = new ArrayList<>();
        final StringBuilder prose = new StringBuilder();

        Section(final String descriptor, final int line, final int level)
        {
            this.descriptor = descriptor;
            this.line = line;
            this.level = level;
        }

        Class<?> descriptorClass()
        {
            return classNamed(descriptor);
        }

        /** The row documenting {@code field} (as written, markup removed), or a test failure. */
        Row row(final String field)
        {
            for (final Table table : tables)
            {
                for (final Row row : table.rows())
                {
                    if (row.field().equals(field))
                    {
                        return row;
                    }
                }
            }
            return fail(docPath + ": the " + descriptor + " section has no row for field '" + field + "'");
        }
    }

    final String text;
    final Map<String, Section> sections;
    final List<Claim> sectionClaims;
    final List<Claim> globalClaims;
    /** Problems found while parsing: a malformed table, an unqualified constant outside any section. */
    final List<String> problems;

    private FormatDoc(
        final String text,
        final Map<String, Section> sections,
        final List<Claim> sectionClaims,
        final List<Claim> globalClaims,
        final List<String> problems)
    {
        this.text = text;
        this.sections = sections;
        this.sectionClaims = sectionClaims;
        this.globalClaims = globalClaims;
        this.problems = problems;
    }

    /** Checks {@code document} against the *Descriptor classes of {@code anchor}'s package instead. */
    static void target(final Path document, final Class<?> anchor)
    {
        docPath = document;
        descriptorPackage = anchor.getPackageName() + ".";
        anchorClass = anchor;
    }

    /** Loads and parses the document, failing the test with a clear message if it is missing. */
    static FormatDoc load()
    {
        final Path path = docPath.toAbsolutePath().normalize();
        if (!Files.isRegularFile(path))
        {
            return fail(docPath + " is missing: expected it at " + path + " (the test runs with the " +
                "module directory as working directory)");
        }
        try
        {
            return parse(Files.readString(path, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            return fail("cannot read " + path + ": " + ex);
        }
    }

    static FormatDoc parse(final String text)
    {
        final List<String> lines = Arrays.asList(text.split("\r?\n", -1));
        final Map<String, Section> sections = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        final StringBuilder outside = new StringBuilder();
        Section section = null;
        boolean inCode = false;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            final int lineNumber = i + 1;
            if (line.trim().startsWith("```"))
            {
                inCode = !inCode;
                continue;
            }
            if (inCode)
            {
                continue;
            }
            final Matcher heading = HEADING.matcher(line);
            if (heading.matches())
            {
                final int level = heading.group(1).length();
                if (section != null && level <= section.level)
                {
                    section = null;
                }
                final Matcher named = SECTION_CLASS.matcher(heading.group(2));
                if (named.find())
                {
                    final String descriptor = named.group(1);
                    if (sections.containsKey(descriptor))
                    {
                        problems.add("line " + lineNumber + ": a second section for " + descriptor +
                            " (the first is at line " + sections.get(descriptor).line + ")");
                    }
                    section = new Section(descriptor, lineNumber, level);
                    sections.put(descriptor, section);
                }
                continue;
            }
            if (line.trim().startsWith("|"))
            {
                final int start = i;
                while (i + 1 < lines.size() && lines.get(i + 1).trim().startsWith("|"))
                {
                    i++;
                }
                final List<String> tableLines = lines.subList(start, i + 1);
                final List<String> header = cells(tableLines.get(0));
                if (!header.isEmpty() && header.get(0).equals("Offset"))
                {
                    final Table table = parseTable(tableLines, start + 1, problems);
                    if (section == null)
                    {
                        problems.add("line " + (start + 1) + ": an offset table outside any section whose " +
                            "heading names a descriptor class, like ### File header (`FileHeaderDescriptor`)");
                    }
                    else if (table != null)
                    {
                        section.tables.add(table);
                    }
                }
                final StringBuilder target = section == null ? outside : section.prose;
                for (final String tableLine : tableLines)
                {
                    target.append(tableLine).append('\n');
                }
                continue;
            }
            (section == null ? outside : section.prose).append(line).append('\n');
        }
        if (inCode)
        {
            problems.add("a ``` code fence is never closed");
        }

        final List<Claim> sectionClaims = new ArrayList<>();
        for (final Section s : sections.values())
        {
            for (final Claim claim : claims(s.prose))
            {
                sectionClaims.add(claim.className() == null ?
                    new Claim(s.descriptor, claim.name(), claim.value(), claim.parsedValue()) : claim);
            }
        }
        final List<Claim> globalClaims = new ArrayList<>();
        for (final Claim claim : claims(outside))
        {
            if (claim.className() == null)
            {
                problems.add("`" + claim.name() + "` = " + claim.value() + " is outside any descriptor section: " +
                    "qualify it with its class, like `ListDescriptor.MAX_LISTS` = 255");
            }
            else
            {
                globalClaims.add(claim);
            }
        }
        return new FormatDoc(text, Collections.unmodifiableMap(sections), sectionClaims, globalClaims, problems);
    }

    private static Table parseTable(final List<String> tableLines, final int firstLine, final List<String> problems)
    {
        final String header = String.join(" ", tableLines.get(0).trim().split("\\s+"));
        if (!header.equals(TABLE_HEADER))
        {
            problems.add("line " + firstLine + ": an offset table's header must be exactly '" + TABLE_HEADER +
                "', not '" + tableLines.get(0).trim() + "'");
            return null;
        }
        if (tableLines.size() < 2 || !tableLines.get(1).matches("\\s*\\|[\\s:|-]+\\|\\s*"))
        {
            problems.add("line " + firstLine + ": the table header is not followed by a |---| separator row");
            return null;
        }
        final List<Row> rows = new ArrayList<>();
        for (int r = 2; r < tableLines.size(); r++)
        {
            final int lineNumber = firstLine + r;
            final List<String> cells = cells(tableLines.get(r));
            if (cells.size() != 4)
            {
                problems.add("line " + lineNumber + ": expected 4 cells (Offset, Size, Field, Meaning), found " +
                    cells.size() + " (a '|' inside a cell must be written \\|)");
                continue;
            }
            if (!NUMBER.matcher(cells.get(0)).matches())
            {
                problems.add("line " + lineNumber + ": Offset '" + cells.get(0) + "' is not a decimal number");
                continue;
            }
            final int offset = Integer.parseInt(cells.get(0));
            final String size = cells.get(1);
            final int fixedSize = NUMBER.matcher(size).matches() ? Integer.parseInt(size) : -1;
            final String rawField = cells.get(2).replace("`", "").trim();
            final boolean italic = rawField.length() > 2 &&
                (rawField.startsWith("*") && rawField.endsWith("*") || rawField.startsWith("_") &&
                rawField.endsWith("_"));
            final String field = italic ? rawField.substring(1, rawField.length() - 1).trim() : rawField;
            final boolean reserved = field.toLowerCase(Locale.ROOT).startsWith("reserved");
            rows.add(new Row(lineNumber, offset, size, fixedSize, field,
                italic || reserved ? null : constantName(field)));
        }
        return new Table(firstLine, rows);
    }

    /** The mapping rule: "Format Version" becomes FORMAT_VERSION_OFFSET. */
    static String constantName(final String field)
    {
        final String snake = field.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
        return snake + "_OFFSET";
    }

    private static List<String> cells(final String line)
    {
        String trimmed = line.trim();
        if (trimmed.startsWith("|"))
        {
            trimmed = trimmed.substring(1);
        }
        if (trimmed.endsWith("|") && !trimmed.endsWith("\\|"))
        {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        final List<String> cells = new ArrayList<>();
        for (final String cell : CELL_SEPARATOR.split(trimmed, -1))
        {
            cells.add(cell.replace("\\|", "|").trim());
        }
        return cells;
    }

    private static List<Claim> claims(final CharSequence prose)
    {
        final List<Claim> claims = new ArrayList<>();
        final Matcher m = CLAIM.matcher(prose);
        while (m.find())
        {
            final String value = m.group(3);
            final long parsed = value.startsWith("0x") ?
                Long.parseUnsignedLong(value.substring(2), 16) : Long.parseLong(value);
            claims.add(new Claim(m.group(1), m.group(2), value, parsed));
        }
        return claims;
    }

    /** A class of {@code org.structhist.format} by simple name, or a test failure. */
    static Class<?> classNamed(final String simpleName)
    {
        try
        {
            return Class.forName(descriptorPackage + simpleName);
        }
        catch (final ClassNotFoundException ex)
        {
            return fail(docPath + " names " + simpleName + ", but there is no class " + descriptorPackage + simpleName);
        }
    }

    /** A public static final int or long constant of {@code type}, or null when it has none by that name. */
    static Long constantValue(final Class<?> type, final String name)
    {
        try
        {
            final Field field = type.getField(name);
            final int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers))
            {
                return null;
            }
            if (field.getType() == int.class)
            {
                return (long)field.getInt(null);
            }
            if (field.getType() == long.class)
            {
                return field.getLong(null);
            }
            return null;
        }
        catch (final NoSuchFieldException | IllegalAccessException ex)
        {
            return null;
        }
    }

    /** Every public static final int field of {@code type} whose name ends in _OFFSET, by name. */
    static Map<String, Integer> offsetConstants(final Class<?> type)
    {
        final Map<String, Integer> constants = new LinkedHashMap<>();
        for (final Field field : type.getFields())
        {
            final int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == int.class &&
                field.getName().endsWith("_OFFSET"))
            {
                try
                {
                    constants.put(field.getName(), field.getInt(null));
                }
                catch (final IllegalAccessException ex)
                {
                    throw new AssertionError(ex);
                }
            }
        }
        return constants;
    }
}
