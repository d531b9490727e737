package org.structhist.shdump;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs shdump in this JVM through {@link Shdump#run} and keeps what it printed. */
public final class Cli
{
    private Cli()
    {
    }

    /** What one run of shdump did. */
    public record Result(int code, String out, String err, List<String> args)
    {
        /** Asserts the exit code, with both streams in the message when it is wrong. */
        public Result exits(final int expected)
        {
            assertEquals(expected, code, () -> "exit code of shdump " + String.join(" ", args) + describe());
            return this;
        }

        /**
         * Asserts that stderr is exactly one line starting "shdump: " that contains {@code fragment}:
         * one sentence, no stack trace.
         */
        public Result saysOneSentence(final String fragment)
        {
            final String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, () -> "one line on stderr" + describe());
            assertTrue(lines[0].startsWith("shdump: "), () -> "stderr starts with 'shdump: '" + describe());
            assertTrue(lines[0].contains(fragment), () -> "stderr contains '" + fragment + "'" + describe());
            noStackTrace();
            return this;
        }

        public Result noStackTrace()
        {
            assertFalse(err.contains("\tat ") || out.contains("\tat "), () -> "no stack trace" + describe());
            assertFalse(err.contains("Exception in") || err.contains("Caused by"), () -> "no stack trace" + describe());
            return this;
        }

        public Result outContains(final String fragment)
        {
            assertTrue(out.contains(fragment), () -> "stdout contains '" + fragment + "'" + describe());
            return this;
        }

        public Result outLacks(final String fragment)
        {
            assertFalse(out.contains(fragment), () -> "stdout lacks '" + fragment + "'" + describe());
            return this;
        }

        public Result errContains(final String fragment)
        {
            assertTrue(err.contains(fragment), () -> "stderr contains '" + fragment + "'" + describe());
            return this;
        }

        public Result errEmpty()
        {
            assertEquals("", err, () -> "nothing on stderr" + describe());
            return this;
        }

        /** Lines of stdout. */
        public List<String> lines()
        {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        /** Lines of stdout that contain {@code fragment}. */
        public List<String> linesWith(final String fragment)
        {
            return lines().stream().filter(l -> l.contains(fragment)).toList();
        }

        public String describe()
        {
            return "\n--- shdump " + String.join(" ", args) + " exited " + code + "\n--- stdout:\n" + out +
                "--- stderr:\n" + err;
        }
    }

    /** Runs shdump with {@code args} as given. */
    public static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err))
        {
            code = Shdump.run(o, e, args);
        }
        return new Result(code, out.toString(), err.toString(), List.of(args));
    }

    /** Runs shdump on {@code file}, uncoloured: {@code --file FILE --no-color ARGS}. */
    public static Result on(final Path file, final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("--file", file.toString(), "--no-color"));
        all.addAll(List.of(args));
        return run(all.toArray(new String[0]));
    }
}
