package org.structhist.format;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps {@code docs/FORMAT.md} and the descriptor classes of {@code org.structhist.format} from drifting
 * apart: change an offset, add a field or a descriptor without documenting it, and this test goes red.
 * <p>
 * <b>How the document is read.</b>
 * <ul>
 *   <li>A <em>descriptor section</em> starts at a Markdown heading that names a descriptor class in
 *       backticks and parentheses, like {@code ### File header (`FileHeaderDescriptor`)}, and runs to the
 *       next heading of the same or a higher level. Every class of {@code org.structhist.format} whose
 *       name ends in {@code Descriptor} has exactly one section.</li>
 *   <li>An <em>offset table</em> is a Markdown table whose header row is exactly
 *       {@code | Offset | Size | Field | Meaning |}; it must lie in a descriptor section, and it
 *       describes that class. Offset is a decimal number; Size is a decimal byte count, or a formula
 *       (such as {@code Entry Size − 40}) only in a table's last row. Code fences are skipped.</li>
 *   <li><b>Mapping rule, Field to constant:</b> remove backticks, upper-case the name, replace every run
 *       of characters other than A-Z and 0-9 by one underscore, trim underscores and append
 *       {@code _OFFSET}: "Format Version" is {@code FORMAT_VERSION_OFFSET}, "List Directory Offset" is
 *       {@code LIST_DIRECTORY_OFFSET_OFFSET}. Exempt (no constant): a Field that starts with
 *       "reserved", and a Field in italics ({@code *Event records*}) for bytes the Java code addresses
 *       without a named offset. Every other row must name an existing {@code public static final int}
 *       of the section's class whose value is the row's Offset.</li>
 *   <li><b>Coverage:</b> every {@code public static final int} field whose name ends in {@code _OFFSET}
 *       of a descriptor is documented by exactly one row of that descriptor's tables.</li>
 *   <li><b>Layout:</b> each table starts at offset 0 and its rows follow each other without gap or
 *       overlap. For a class with an {@code ENTRY_LENGTH} or {@code HEADER_LENGTH} constant the section
 *       must state it ({@code `ENTRY_LENGTH` = 128}) and its first table must end exactly there (a
 *       variable-size last row must start there).</li>
 *   <li><b>Stated constants:</b> every {@code `NAME` = number} (decimal or 0x hex) in a section is checked
 *       against that constant of the section's class, every {@code `Class.NAME` = number} anywhere
 *       against that class of {@code org.structhist.format}; an unqualified one outside the sections is
 *       an error.</li>
 * </ul>
 * Every check collects all its mismatches before failing, so one run lists everything to fix.
 */
class FormatDocTest
{
    /** Package-private: HeapFormatDocTest (offheap-alloc) runs these checks on the heap's document. */
    static FormatDoc doc;

    @BeforeAll
    static void loadDocument()
    {
        doc = FormatDoc.load();
    }

    @Test
    void documentParsesCleanly()
    {
        assertTrue(doc.problems.isEmpty(), () -> FormatDoc.docPath + " is malformed:\n  " +
            String.join("\n  ", doc.problems));
    }

    @Test
    void everyDescriptorHasASectionWithAnOffsetTable()
    {
        final List<String> problems = new ArrayList<>();
        final Set<String> descriptors = descriptorClassNames();
        assertFalse(descriptors.isEmpty(), "found no *Descriptor classes in " + FormatDoc.descriptorPackage);
        for (final String descriptor : descriptors)
        {
            final FormatDoc.Section section = doc.sections.get(descriptor);
            if (section == null)
            {
                problems.add(descriptor + " has no section (a heading like ### Title (`" + descriptor + "`))");
            }
            else if (section.tables.isEmpty())
            {
                problems.add("the " + descriptor + " section (line " + section.line + ") has no offset table " +
                    FormatDoc.TABLE_HEADER);
            }
        }
        for (final String documented : doc.sections.keySet())
        {
            if (!descriptors.contains(documented))
            {
                problems.add("a section names " + documented + ", which is not a descriptor class");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyRowOffsetMatchesItsConstant()
    {
        final List<String> problems = new ArrayList<>();
        for (final FormatDoc.Section section : doc.sections.values())
        {
            final Class<?> type = section.descriptorClass();
            final Map<String, Integer> constants = FormatDoc.offsetConstants(type);
            for (final FormatDoc.Table table : section.tables)
            {
                for (final FormatDoc.Row row : table.rows())
                {
                    if (!row.isNamed())
                    {
                        continue;
                    }
                    final Integer value = constants.get(row.constant());
                    if (value == null)
                    {
                        problems.add("line " + row.line() + ": field '" + row.field() + "' maps to " +
                            section.descriptor + "." + row.constant() + ", which does not exist (rename the " +
                            "field, or write it in *italics* if it has no constant)");
                    }
                    else if (value != row.offset())
                    {
                        problems.add("line " + row.line() + ": field '" + row.field() + "' is documented at " +
                            "offset " + row.offset() + " but " + section.descriptor + "." + row.constant() +
                            " = " + value);
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void tablesCoverEveryOffsetConstant()
    {
        final List<String> problems = new ArrayList<>();
        for (final String descriptor : descriptorClassNames())
        {
            final FormatDoc.Section section = doc.sections.get(descriptor);
            final Map<String, Integer> documented = new HashMap<>();
            if (section != null)
            {
                for (final FormatDoc.Table table : section.tables)
                {
                    for (final FormatDoc.Row row : table.rows())
                    {
                        if (row.isNamed())
                        {
                            documented.merge(row.constant(), 1, Integer::sum);
                        }
                    }
                }
            }
            final Map<String, Integer> constants = FormatDoc.offsetConstants(FormatDoc.classNamed(descriptor));
            for (final Map.Entry<String, Integer> constant : constants.entrySet())
            {
                final int rows = documented.getOrDefault(constant.getKey(), 0);
                if (rows == 0)
                {
                    problems.add(descriptor + "." + constant.getKey() + " = " + constant.getValue() +
                        " is not documented in any offset table of its section");
                }
                else if (rows > 1)
                {
                    problems.add(descriptor + "." + constant.getKey() + " is documented by " + rows + " rows");
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void tablesAreContiguousAndEndAtTheStructureLength()
    {
        final List<String> problems = new ArrayList<>();
        for (final FormatDoc.Section section : doc.sections.values())
        {
            for (final FormatDoc.Table table : section.tables)
            {
                checkContiguous(section, table, problems);
            }
            final Class<?> type = section.descriptorClass();
            final String lengthName = FormatDoc.constantValue(type, "ENTRY_LENGTH") != null ? "ENTRY_LENGTH" :
                FormatDoc.constantValue(type, "HEADER_LENGTH") != null ? "HEADER_LENGTH" : null;
            if (lengthName == null || section.tables.isEmpty())
            {
                continue;
            }
            final long length = FormatDoc.constantValue(type, lengthName);
            final boolean stated = doc.sectionClaims.stream()
                .anyMatch(c -> c.className().equals(section.descriptor) && c.name().equals(lengthName));
            if (!stated)
            {
                problems.add("the " + section.descriptor + " section does not state its length as `" + lengthName +
                    "` = " + length);
            }
            final List<FormatDoc.Row> rows = section.tables.get(0).rows();
            if (!rows.isEmpty())
            {
                final FormatDoc.Row last = rows.get(rows.size() - 1);
                final long end = last.hasFixedSize() ? (long)last.offset() + last.fixedSize() : last.offset();
                if (end != length)
                {
                    problems.add("the first table of the " + section.descriptor + " section " +
                        (last.hasFixedSize() ? "ends at " : "has its variable part at ") + end + ", but " +
                        section.descriptor + "." + lengthName + " = " + length);
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void statedConstantsMatchTheCode()
    {
        final List<String> problems = new ArrayList<>();
        final List<FormatDoc.Claim> claims = new ArrayList<>(doc.sectionClaims);
        claims.addAll(doc.globalClaims);
        assertFalse(claims.isEmpty(), "the document states no constants at all");
        for (final FormatDoc.Claim claim : claims)
        {
            final Class<?> type = FormatDoc.classNamed(claim.className());
            final Long actual = FormatDoc.constantValue(type, claim.name());
            if (actual == null)
            {
                problems.add("`" + claim.name() + "` = " + claim.value() + " (in the " + claim.className() +
                    " context): " + claim.className() + " has no int or long constant " + claim.name());
            }
            else if (actual != claim.parsedValue())
            {
                problems.add("`" + claim.name() + "` = " + claim.value() + " but " + claim.className() + "." +
                    claim.name() + " = " + actual + " (0x" + Long.toHexString(actual).toUpperCase() + ")");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void checksumTestVectorMatchesTheCode()
    {
        long h = EventChecksum.headerHash(EventDescriptor.stamp(1, 0), 123456789L, 4242, 1, 1,
            EventDescriptor.FLAG_CHECKSUM | 1, 8, 0);
        for (final long word : new long[] {42L, 0L, 0L})
        {
            h = EventChecksum.mix(h, word);
        }
        final String expected = String.format("checksum = 0x%08X", EventChecksum.fold(h));
        final String flat = doc.text.replaceAll("\\s+", " ");
        assertTrue(flat.contains(expected), () -> FormatDoc.docPath + " must give the checksum test vector's " +
            "result as '" + expected + "'");
        assertTrue(flat.contains("Stamp `0x0000000100000000`, Timestamp 123456789, Pid 4242, Thread Id 1, " +
            "Verb Id 1, Flags `0x21`, Format Id 8, Stack Id 0, Entry Size 64 with payload words 42, 0, 0"),
            "the checksum test vector's inputs in the document differ from this test's");
    }

    private static void checkContiguous(
        final FormatDoc.Section section, final FormatDoc.Table table, final List<String> problems)
    {
        long expectedOffset = 0;
        boolean variableSeen = false;
        for (final FormatDoc.Row row : table.rows())
        {
            if (variableSeen)
            {
                problems.add("line " + row.line() + ": a row follows a row of variable size in the " +
                    section.descriptor + " section; only the last row may have a formula as Size");
                return;
            }
            if (row.offset() != expectedOffset)
            {
                problems.add("line " + row.line() + ": field '" + row.field() + "' is at offset " + row.offset() +
                    " but the previous rows end at " + expectedOffset + " (a gap or an overlap; document gaps " +
                    "as reserved)");
                return;
            }
            if (row.hasFixedSize())
            {
                if (row.fixedSize() <= 0)
                {
                    problems.add("line " + row.line() + ": field '" + row.field() + "' has size 0");
                }
                expectedOffset = (long)row.offset() + row.fixedSize();
            }
            else
            {
                variableSeen = true;
            }
        }
    }

    private static void assertNoProblems(final List<String> problems)
    {
        if (!problems.isEmpty())
        {
            fail(FormatDoc.docPath + " and the descriptor classes disagree:\n  " + String.join("\n  ", problems));
        }
    }

    /** Simple names of the classes in org.structhist.format ending in Descriptor, from the compiled classes. */
    static Set<String> descriptorClassNames()
    {
        final Set<String> names = new TreeSet<>();
        try
        {
            final Path location = Path.of(FormatDoc.anchorClass.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
            final String directory = FormatDoc.anchorClass.getPackageName().replace('.', '/');
            if (Files.isDirectory(location))
            {
                collect(location.resolve(directory), names);
            }
            else
            {
                try (FileSystem jar = FileSystems.newFileSystem(location))
                {
                    collect(jar.getPath(directory), names);
                }
            }
        }
        catch (final IOException | URISyntaxException ex)
        {
            return fail("cannot list the classes of " + FormatDoc.descriptorPackage + ": " + ex);
        }
        return names;
    }

    private static void collect(final Path directory, final Set<String> names) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            files.map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith("Descriptor.class") && !n.contains("$"))
                .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
        }
    }

    @Test
    void classScanFindsTheKnownDescriptors()
    {
        final Set<String> found = descriptorClassNames();
        assertTrue(found.containsAll(Set.of("FileHeaderDescriptor", "ListDescriptor", "ObjectSlotDescriptor",
            "EventDescriptor", "StringTableDescriptor", "WriterRegistryDescriptor", "ThreadTableDescriptor",
            "VerbTableDescriptor")), () -> "the class scan found only " + found);
    }
}
