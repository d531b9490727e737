package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.HistoryFile;
import org.structhist.alloc.SharedHeap;
import org.structhist.shdump.ExportFixture.Run;
import org.structhist.audit.AnomalyKind;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * docs/CLI.md cannot fall behind the code: every command has a section, every option of a command is
 * named in its section, every field of every JSON line is in its type's table, and every anomaly kind,
 * flag and exit code is listed. A new option or field fails this test until the manual says what it is.
 */
class CliManualTest
{
    private static final String MANUAL = "docs/CLI.md";

    @TempDir
    Path dir;

    @Test
    void everyCommandHasASectionNamingEachOfItsOptions() throws IOException
    {
        final String manual = manual();
        final List<String> missing = new ArrayList<>();
        final Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        check(new CommandLine(new Shdump()), manual, seen, missing);
        assertEquals(List.of(), missing, MANUAL + " is behind the code");
        assertEquals(true, seen.size() >= 8, "the walk reached the subcommands: " + seen.size());
    }

    private static void check(final CommandLine command, final String manual, final Set<CommandLine> seen,
        final List<String> missing)
    {
        if (!seen.add(command))
        {
            return; // an alias of a command already checked
        }
        final CommandSpec spec = command.getCommandSpec();
        final String name = spec.qualifiedName();
        final String section = section(manual, "`" + name + "`");
        if (section == null)
        {
            missing.add("no section with `" + name + "` in its heading");
        }
        else
        {
            for (final OptionSpec option : spec.options())
            {
                // Options the root passes down, -h/--help and -V/--version among them (picocli gives every
                // subcommand its own copy of those), are documented once, in the root's section.
                final boolean passedDown = option.inherited() ||
                    (command.getParent() != null && (option.usageHelp() || option.versionHelp()));
                if (!option.hidden() && !passedDown && !mentions(section, option.longestName()))
                {
                    missing.add(name + " " + option.longestName());
                }
            }
            for (final PositionalParamSpec parameter : spec.positionalParameters())
            {
                if (!parameter.hidden() && !mentions(section, parameter.paramLabel()))
                {
                    missing.add(name + " " + parameter.paramLabel());
                }
            }
        }
        for (final CommandLine subcommand : command.getSubcommands().values())
        {
            check(subcommand, manual, seen, missing);
        }
    }

    @Test
    void everyJsonFieldIsInItsTypesTable() throws IOException
    {
        final String manual = manual();
        final Path history = dir.resolve("manual.hist");
        ExportFixture.write(history);
        final Map<String, Set<String>> fieldsByType = new LinkedHashMap<>();
        collect(ExportFixture.run("--file", history.toString(), "info", "--json"), fieldsByType);
        collect(ExportFixture.run("--file", history.toString(), "export", "--format", "json", "-o", "-"), fieldsByType);
        collect(ExportFixture.run("--file", history.toString(), "check", "--json"), fieldsByType);
        // A heap whose allocations have histories, one of its chunks left by a dead pid: every heap line.
        final Path heapHistory = dir.resolve("heap.hist");
        final Path heapFile = dir.resolve("manual.heap");
        final long address;
        try (HistoryFile file = Histories.open(heapHistory))
        {
            final SharedHeap heap = Heaps.open(heapFile, file.list("shm"));
            address = heap.allocate(40);
            Heaps.setOwner(heapFile, heap.allocate(40), Heaps.DEAD_PID);
        }
        collect(ExportFixture.run("heap", "--heap-file", heapFile.toString(), "--json", "--leaks"), fieldsByType);
        collect(ExportFixture.run("heap", "--heap-file", heapFile.toString(), "--json", "--addr",
            Address.format(address)), fieldsByType);
        final Run show =
            ExportFixture.run("--file", heapHistory.toString(), "--heap-file", heapFile.toString(), "--obj",
            Address.format(address), "--json");
        collect(show, fieldsByType);
        assertEquals(Set.of("file", "list", "writer", "incarnation", "event", "anomaly", "summary", "heap", "sizeClass",
            "deadOwner", "leak", "chunk"), fieldsByType.keySet(), "the fixtures show every type of line");

        final List<String> missing = new ArrayList<>();
        fieldsByType.forEach((type, fields) ->
        {
            final String section = section(manual, "\"type\": \"" + type + "\"");
            if (section == null)
            {
                missing.add("no section for \"type\": \"" + type + "\"");
                return;
            }
            fields.stream().filter(f -> !section.contains("| `" + f + "` |")).forEach(f -> missing.add(type + "." + f));
        });
        // The chunk inside an incarnation line has the fields of a chunk line.
        final String chunkSection = section(manual, "\"type\": \"chunk\"");
        for (final Map<String, Object> line : ExportCommandTest.jsonLines(show.out()))
        {
            map(line.get("heapChunk")).keySet().stream().filter(f -> !chunkSection.contains("| `" + f + "` |"))
                .forEach(f -> missing.add("incarnation.heapChunk." + f));
        }
        assertEquals(List.of(), missing, MANUAL + " is behind the JSON lines");
    }

    private static void collect(final Run run, final Map<String, Set<String>> fieldsByType)
    {
        // check exits 1: the fixture has anomalies on purpose
        assertEquals(true, run.code() == ExitCode.OK || run.code() == ExitCode.FOUND, run.err());
        for (final Map<String, Object> line : ExportCommandTest.jsonLines(run.out()))
        {
            fieldsByType.computeIfAbsent((String)line.get("type"), t -> new LinkedHashSet<>()).addAll(line.keySet());
        }
    }

    @Test
    void everyChromeTraceFieldAndCategoryIsDescribed() throws IOException
    {
        final String section = section(manual(), "Chrome trace");
        assertNotNull(section, "a section on the Chrome trace");
        final Path history = dir.resolve("manual.hist");
        ExportFixture.write(history);
        final Run run = ExportFixture.run("--file", history.toString(), "export", "--format", "chrome", "-o", "-");
        final Map<String, Object> trace = StrictJson.object(run.out());

        final Set<String> names = new LinkedHashSet<>(trace.keySet());
        names.addAll(map(trace.get("otherData")).keySet());
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> events = (List<Map<String, Object>>)trace.get("traceEvents");
        for (final Map<String, Object> event : events)
        {
            names.addAll(event.keySet());
            names.addAll(map(event.get("args")).keySet());
            if (event.get("cat") != null)
            {
                names.add((String)event.get("cat"));
            }
            if ("M".equals(event.get("ph")))
            {
                names.add((String)event.get("name"));
            }
        }
        final List<String> missing = names.stream().filter(n -> !section.contains("`" + n + "`")).toList();
        assertEquals(List.of(), missing, MANUAL + " is behind the Chrome trace");
    }

    @Test
    void everyAnomalyKindFlagAndExitCodeIsListed() throws IOException, IllegalAccessException
    {
        final String manual = manual();
        final String anomalies = section(manual, "Anomalies");
        assertNotNull(anomalies);
        final List<String> missing = new ArrayList<>();
        for (final AnomalyKind kind : AnomalyKind.values())
        {
            if (!anomalies.contains("| `" + kind.name() + "` | `" + kind.flag() + "` |"))
            {
                missing.add(kind.name() + "/" + kind.flag());
            }
        }
        final String exitCodes = section(manual, "Exit codes");
        assertNotNull(exitCodes);
        final List<Integer> codes = new ArrayList<>();
        for (final Field field : ExitCode.class.getFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class)
            {
                codes.add(field.getInt(null));
            }
        }
        codes.stream().filter(c -> !exitCodes.contains("| " + c + " |")).forEach(c -> missing.add("exit code " + c));
        assertEquals(List.of(), missing, MANUAL + " is behind the code");
    }

    /** {@code name} as a whole option name: "--list" is not found in "--listen". */
    private static boolean mentions(final String text, final String name)
    {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(text).find();
    }

    /**
     * The text under the first heading that contains {@code marker}, up to the next heading of the same
     * or a higher level; null when no heading has it.
     */
    static String section(final String manual, final String marker)
    {
        final Matcher heading = Pattern.compile("(?m)^(#{1,6}) (.*)$").matcher(manual);
        int level = 0;
        int start = -1;
        while (heading.find())
        {
            if (start >= 0 && heading.group(1).length() <= level)
            {
                return manual.substring(start, heading.start());
            }
            if (start < 0 && heading.group(2).contains(marker))
            {
                level = heading.group(1).length();
                start = heading.start();
            }
        }
        return start < 0 ? null : manual.substring(start);
    }

    /** docs/CLI.md, found from the module's directory (where Surefire runs) or the repository root. */
    static String manual() throws IOException
    {
        for (Path at = Paths.get("").toAbsolutePath(); at != null; at = at.getParent())
        {
            final Path candidate = at.resolve(MANUAL);
            if (Files.isRegularFile(candidate))
            {
                return Files.readString(candidate);
            }
        }
        throw new IOException(MANUAL + " not found above " + Paths.get("").toAbsolutePath());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        return value == null ? Map.of() : (Map<String, Object>)value;
    }
}
