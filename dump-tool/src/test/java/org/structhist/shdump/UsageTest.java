package org.structhist.shdump;

import org.structhist.shdump.cli.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The command line itself: help, version, and every way to get it wrong. A usage error is exit 2 with
 * one "shdump: ..." sentence, optionally followed by picocli's suggestions and a "Try ... --help" hint
 * that must itself work.
 */
class UsageTest
{
    private static final String[] COMMANDS = {"info", "objects", "show", "check", "heap"};

    @TempDir
    static Path dir;

    private static Path path;
    private static HistoryFile file;

    @BeforeAll
    static void writeFile()
    {
        path = dir.resolve("usage.hist");
        file = Histories.open(path);
        final HistoryList list = file.list("conn", ListOptions.window(4).eventsPerObject(8));
        list.push(0xa0).log(TestVerb.REF, "connect, (%d)", 1);
    }

    @AfterAll
    static void closeFile()
    {
        file.close();
    }

    /** Exit 2; the first stderr line is the sentence, the others only picocli's hints. */
    private static Cli.Result usageError(final Cli.Result result, final String fragment)
    {
        result.exits(ExitCode.USAGE).noStackTrace();
        assertEquals("", result.out(), () -> "nothing on stdout" + result.describe());
        final String[] lines = result.err().strip().split("\n");
        assertTrue(lines[0].startsWith("shdump: ") && lines[0].contains(fragment),
            () -> "first stderr line names the problem ('" + fragment + "')" + result.describe());
        for (int i = 1; i < lines.length; i++)
        {
            final String line = lines[i];
            assertTrue(line.startsWith("Try '") || line.startsWith("Possible solutions:") ||
                line.startsWith("Did you mean"),
                () -> "only hints after the sentence: '" + line + "'" + result.describe());
        }
        return result;
    }

    /** The "Try 'shdump X --help'." hint, run: it must print help, not another error. */
    private static void hintWorks(final Cli.Result result)
    {
        final String hint = result.err().lines().filter(l -> l.startsWith("Try '")).findFirst()
            .orElseGet(() -> fail("no hint" + result.describe()));
        final String command = hint.substring("Try '".length(), hint.lastIndexOf('\''));
        final List<String> words = new ArrayList<>(List.of(command.split(" ")));
        assertEquals("shdump", words.remove(0));
        Cli.run(words.toArray(new String[0])).exits(ExitCode.OK).errEmpty()
            .outContains("Usage: " + command.replace(" --help", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpListsEveryCommandAndTheExitCodes(final String option)
    {
        final Cli.Result result = Cli.run(option).exits(ExitCode.OK).errEmpty();
        result.outContains("Usage: shdump");
        for (final String command : COMMANDS)
        {
            result.outContains("  " + command + " ");
        }
        result.outContains("Exit codes:");
    }

    @Test
    void everyCommandHasHelp()
    {
        for (final String command : COMMANDS)
        {
            for (final String option : new String[] {"--help", "-h"})
            {
                Cli.run(command, option).exits(ExitCode.OK).errEmpty().outContains("Usage: shdump " + command);
            }
            Cli.run("help", command).exits(ExitCode.OK).errEmpty().outContains("Usage: shdump " + command);
        }
    }

    @Test
    void helpForAnUnknownCommand()
    {
        hintWorks(usageError(Cli.run("help", "bogus"), "Unknown subcommand 'bogus'"));
    }

    @Test
    void completionScriptKnowsEveryCommand()
    {
        final Cli.Result result = Cli.run("generate-completion").exits(ExitCode.OK).errEmpty();
        assertTrue(result.out().startsWith("#!/usr/bin/env bash"), result.describe());
        for (final String command : COMMANDS)
        {
            result.outContains(command);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionNamesTheFormat(final String option)
    {
        final Cli.Result result = Cli.run(option).exits(ExitCode.OK).errEmpty();
        assertTrue(result.out()
            .matches("shdump \\S+ \\(history file format 2, heap file format 1\\)\n"), result.describe());
        Cli.run("check", option).exits(ExitCode.OK).outContains("(history file format 2, heap file format 1)");
    }

    @Test
    void noCommandPrintsUsageToStderr()
    {
        final Cli.Result result = Cli.run().exits(ExitCode.USAGE);
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("Usage: shdump"), result.describe());
        Cli.on(path).exits(ExitCode.USAGE);
        // --json alone is no command either (it belongs to --obj).
        Cli.on(path, "--json").exits(ExitCode.USAGE);
    }

    @Test
    void unknownOptionsAndCommands()
    {
        hintWorks(usageError(Cli.on(path, "--bogus"), "Unknown option: '--bogus'"));
        hintWorks(usageError(Cli.on(path, "bogus"), "'bogus'"));
        for (final String command : COMMANDS)
        {
            final String[] args = command.equals("show") ? new String[] {command, "--obj", "0xa0", "--bogus"} :
                new String[] {command, "--bogus"};
            hintWorks(usageError(Cli.on(path, args), "Unknown option: '--bogus'"));
        }
        hintWorks(usageError(Cli.on(path, "info", "extra"), "'extra'"));
        // --debug changes nothing for a usage error: still one sentence.
        usageError(Cli.on(path, "--debug", "info", "--bogus"), "Unknown option");
    }

    @Test
    void missingValues()
    {
        usageError(Cli.on(path, "--obj"), "Missing required parameter for option '--obj'");
        usageError(Cli.run("--file"), "Missing required parameter for option '--file'");
        hintWorks(usageError(Cli.on(path, "show"), "Missing required option: '--obj"));
        usageError(Cli.on(path, "show", "--obj"), "Missing required parameter for option '--obj'");
        usageError(Cli.on(path, "objects", "--list"), "Missing required parameter for option '--list'");
        usageError(Cli.on(path, "objects", "--since"), "Missing required parameter for option '--since'");
        usageError(Cli.on(path, "show", "--obj", "0xa0", "--pid"), "Missing required parameter for option '--pid'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "0x", "0xg1", "0x1ffffffffffffffff", "99999999999999999999", "1.5", ""})
    void badAddresses(final String address)
    {
        usageError(Cli.on(path, "--obj", address), "is not an address");
        usageError(Cli.on(path, "show", "--obj", address), "is not an address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "5x", "-5m", "2026-13-01T00:00:00Z", "2026-11-22 05:43:28", "25:00", "1.5h"})
    void badTimes(final String time)
    {
        hintWorks(usageError(Cli.on(path, "objects", "--since", time), "is not a time"));
        usageError(Cli.on(path, "show", "--obj", "0xa0", "--since", time), "is not a time");
        usageError(Cli.on(path, "show", "--obj", "0xa0", "--until", time), "is not a time");
    }

    @Test
    void timesBeyondWhatNanosecondsHoldAreNotErrors()
    {
        // Far past and far future cannot be epoch nanoseconds; they still order against every event.
        Cli.on(path, "objects", "--since", "9223372036854775807s").exits(ExitCode.OK).errEmpty().outContains("0xa0");
        Cli.on(path, "objects", "--since", "999999d").exits(ExitCode.OK).errEmpty().outContains("0xa0");
        Cli.on(path, "objects", "--since", "3000-01-01T00:00:00Z").exits(ExitCode.OK).errEmpty()
            .outContains("no incarnation matches");
        Cli.on(path, "show", "--obj", "0xa0", "--until", "1600-01-01T00:00:00Z").exits(ExitCode.OK).errEmpty()
            .outLacks("connect");
    }

    @Test
    void badNumbers()
    {
        usageError(Cli.on(path, "objects", "--limit", "-1"), "--limit must not be negative: -1");
        usageError(Cli.on(path, "objects", "--limit", "ten"), "'--limit'");
        usageError(Cli.on(path, "objects", "--limit", "99999999999"), "'--limit'");
        usageError(Cli.on(path, "show", "--obj", "0xa0", "--pid", "x"), "'--pid'");
    }

    @Test
    void unknownListIsAUsageErrorEverywhere()
    {
        usageError(Cli.on(path, "objects", "--list", "nope"), "no list 'nope' in " + path);
        usageError(Cli.on(path, "check", "--list", "nope"), "no list 'nope' in " + path);
        usageError(Cli.on(path, "show", "--obj", "0xa0", "--list", "nope"), "no list 'nope' in " + path);
    }

    @Test
    void liveAndDestroyedExcludeEachOther()
    {
        hintWorks(usageError(Cli.on(path, "objects", "--live", "--destroyed"), "mutually exclusive"));
    }

    @Test
    void aFailureIsOneSentenceAndWithDebugAlsoAStackTrace()
    {
        final Path missing = dir.resolve("missing.hist");
        Cli.on(missing, "info").exits(ExitCode.BAD_FILE).saysOneSentence(missing + " does not exist");
        final Cli.Result debug = Cli.on(missing, "--debug", "info").exits(ExitCode.BAD_FILE);
        final List<String> lines = debug.err().lines().toList();
        assertEquals("shdump: " + missing + " does not exist", lines.get(0), debug.describe());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tat org.structhist.")), () ->
            "stack trace" + debug.describe());
        // --debug is an option of every command too.
        assertTrue(Cli.on(missing, "check", "--debug").exits(ExitCode.BAD_FILE).err().contains("\tat "));
    }

    @Test
    void theDefaultFileIsTheLibrarysDefault()
    {
        final String before = System.getProperty(HistoryFile.FILE_PROPERTY);
        System.setProperty(HistoryFile.FILE_PROPERTY, path.toString());
        try
        {
            Cli.run("--no-color", "info").exits(ExitCode.OK).outContains(path.toString());
            Cli.run("--no-color", "--obj", "0xa0").exits(ExitCode.OK).outContains("connect, (1)");
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(HistoryFile.FILE_PROPERTY);
            }
            else
            {
                System.setProperty(HistoryFile.FILE_PROPERTY, before);
            }
        }
    }

    @Test
    void fileOptionGoesBeforeOrAfterTheCommand()
    {
        Cli.run("info", "--file", path.toString()).exits(ExitCode.OK).outContains(path.toString());
        Cli.run("--file", path.toString(), "info").exits(ExitCode.OK).outContains(path.toString());
    }

    @Test
    void colourOnlyWhereAllowed()
    {
        // picocli.ansi=true stands in for a terminal: colour then, and never with --no-color.
        System.setProperty("picocli.ansi", "true");
        try
        {
            for (final String[] args : new String[][] {{"info"}, {"objects"}, {"check"}, {"--obj", "0xa0"}})
            {
                final List<String> all = new ArrayList<>(List.of("--file", path.toString()));
                all.addAll(List.of(args));
                final Cli.Result coloured = Cli.run(all.toArray(new String[0]));
                assertTrue(coloured.out().contains("\u001b["), () -> "colour on a terminal" + coloured.describe());
                all.add(0, "--no-color");
                final Cli.Result plain = Cli.run(all.toArray(new String[0]));
                assertFalse(plain.out().contains("\u001b["), () -> "no colour with --no-color" + plain.describe());
            }
        }
        finally
        {
            System.clearProperty("picocli.ansi");
        }
        assertFalse(Cli.run("--file", path.toString(), "info").out().contains("\u001b["), "no colour off a terminal");
    }

    /**
     * Every example in every help text parses: a wrong example is the first thing a user copies.
     * Only parsing: the examples name files and addresses that do not exist here.
     */
    @Test
    void everyHelpExampleParses()
    {
        final List<String> texts = new ArrayList<>();
        texts.add(Cli.run("--help").out());
        for (final String command : COMMANDS)
        {
            texts.add(Cli.run("help", command).out());
        }
        int examples = 0;
        for (final String text : texts)
        {
            for (final String line : text.lines().toList())
            {
                if (!line.startsWith("  shdump "))
                {
                    continue;
                }
                // The comment after an example is separated by two spaces or more; a pipe ends the command.
                final String command = line.strip().split(" {2,}")[0].split("\\|")[0].strip();
                final List<String> words = shellWords(command);
                words.remove(0);
                try
                {
                    new CommandLine(new Shdump()).parseArgs(words.toArray(new String[0]));
                }
                catch (final CommandLine.ParameterException ex)
                {
                    fail("help example '" + command + "' does not parse: " + ex.getMessage());
                }
                examples++;
            }
        }
        assertTrue(examples >= 10, "examples found: " + examples);
    }

    /** Splits a command line as a shell would, for the quoting the examples use ('...'). */
    private static List<String> shellWords(final String line)
    {
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (final char c : line.toCharArray())
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            }
            else
            {
                word.append(c);
                any = true;
            }
        }
        if (any)
        {
            words.add(word.toString());
        }
        return words;
    }
}
