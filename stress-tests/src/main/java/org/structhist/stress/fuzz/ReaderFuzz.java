package org.structhist.stress.fuzz;

import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryFormatException;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.ClockMode;
import org.structhist.format.FileLayout;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.shdump.Shdump;
import org.structhist.stress.StressVerb;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The reader fuzz target (invariant 8): a real history file the library wrote, mutated (bytes
 * overwritten in the header, the tables, slot headers and records, or the file cut short), then read
 * in full by {@link HistoryReader} and by shdump commands. A finding is:
 * <ul>
 * <li>any exception from the reader other than {@link HistoryFormatException};</li>
 * <li>a shdump exit code other than 0..3 (4 is shdump's "internal error");</li>
 * <li>one execution allocating more than {@link #ALLOCATION_LIMIT} bytes, plus
 * {@link #ALLOCATION_PER_OUTPUT_CHAR} per character shdump printed, for a file of 64 KiB: an allocation
 * sized by a count the file claims (an OutOfMemoryError is caught as a finding too). Output is allowed its
 * share because it can be big by right: an event may hold a 16 KiB string of control characters, six
 * characters each once escaped as JSON, and a mutant can point every event at it. What the output is
 * sent to counts it and keeps nothing.</li>
 * <li>an execution running longer than {@link #HANG_SECONDS} (the plain loop checks this; Jazzer has
 * its own per-input timeout).</li>
 * </ul>
 * Run by {@code ReaderFuzzTest} with Jazzer's coverage guidance, or by {@link #main} as a seeded
 * mutation loop: {@code java ... org.structhist.stress.fuzz.ReaderFuzz --seconds 600 [--seed N]}.
 */
public final class ReaderFuzz
{
    public static final long ALLOCATION_LIMIT = 64L << 20;
    /**
     * Twice the bound dump-tool's OutputAllocationTest holds shdump's JSON output to (4 bytes per character
     * written; the exports measure 1.9 and 2.8).
     */
    public static final long ALLOCATION_PER_OUTPUT_CHAR = 8;
    public static final int HANG_SECONDS = 10;
    static final long ADDRESS = 0xA11CEL;
    static final long FILE_BYTES = 64 * 1024;

    private static final String[][] COMMANDS = {
        {"info"},
        {"info", "--json"},
        {"objects"},
        {"objects", "--json", "--live"},
        {"check"},
        {"check", "--json"},
        {"show", "--obj", "0xa11ce"},
        {"--obj", "0xa11ce", "--json"},
        {"export", "--format", "json", "-o", "-"},
        {"export", "--format", "chrome", "-o", "-"},
    };
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final List<byte[]> seeds = new ArrayList<>();
    private final List<int[]> regions = new ArrayList<>();
    private final Path mutant;
    private long executions;
    private long refused;
    /** The slowest read of a mutant so far: the bound on every command's work is the file's size (CLI.md). */
    private static final int WARM_UP_EXECUTIONS = 200;
    private long slowestReadNanos;
    private int slowestReadLength;
    private String slowestReadCommands = "";

    /** Writes the seed files into {@code dir} (with the library, switched on) and keeps their bytes. */
    public ReaderFuzz(final Path dir)
    {
        this.mutant = dir.resolve("mutant.hist");
        seeds.add(seed(dir.resolve("seed-rich.hist"), false));
        seeds.add(seed(dir.resolve("seed-open.hist"), true));
        for (final byte[] seed : seeds)
        {
            regions.add(regionsOf(seed, dir.resolve("regions.hist")));
        }
    }

    public long executions()
    {
        return executions;
    }

    /**
     * The slowest execution's read (the reader over everything, then its shdump commands) and the mutant's
     * size: what docs/CLI.md's "How much work a command does" is checked by.
     */
    public String slowestRead()
    {
        return String.format("slowest read after " + WARM_UP_EXECUTIONS + " executions %.1f ms (%d-byte mutant: %s)",
            slowestReadNanos / 1e6, slowestReadLength,
            slowestReadCommands);
    }

    /** Executions whose mutant the reader refused with a HistoryFormatException. */
    public long refused()
    {
        return refused;
    }

    /**
     * One execution: builds a mutant from {@code choices}, reads it. Throws AssertionError on a finding.
     */
    public void execute(final Choices choices)
    {
        final int seedIndex = choices.pick(0, seeds.size() - 1);
        final byte[] bytes = seeds.get(seedIndex).clone();
        int length = bytes.length;
        final int[] bounds = regions.get(seedIndex);
        final int patches = choices.pick(1, 8);
        for (int p = 0; p < patches; p++)
        {
            final int kind = choices.pick(0, 99);
            if (kind < 4)
            {
                // Cut the file short, mostly just past the header or the tables.
                length = choices.pick(0, 3) == 0 ? choices.pick(0, bytes.length) : choices.pick(4096, bounds[1]);
                continue;
            }
            final int at;
            if (kind < 30)
            {
                at = choices.pick(0, 159); // header fields
            }
            else if (kind < 60)
            {
                at = choices.pick(4096, bounds[0] - 1); // tables: lists, writers, threads, verbs, strings
            }
            else
            {
                at = choices.pick(bounds[0], bounds[1] - 1); // slots and records in use
            }
            final int width = 1 << choices.pick(0, 3);
            final long value = value(choices, length);
            for (int k = 0; k < width && at + k < bytes.length; k++)
            {
                bytes[at + k] = (byte)(value >>> (8 * k));
            }
        }
        write(bytes, length);
        executions++;
        final int commands = choices.pick(1, 3);
        final String[][] chosen = new String[commands][];
        for (int c = 0; c < commands; c++)
        {
            chosen[c] = COMMANDS[choices.pick(0, COMMANDS.length - 1)];
        }
        final long readStarted = System.nanoTime();
        final Read read = readAll(chosen, length);
        noteReadTime(System.nanoTime() - readStarted, length, chosen);
        // A first use of a code path loads (and under Jazzer instruments) classes on this thread, which
        // allocates too: only an execution that allocates that much again is a finding.
        if (read.overLimit() && readAll(chosen, length).overLimit())
        {
            throw new AssertionError("one read of a " + length + "-byte mutant allocated " + read.allocated +
                " bytes for " + read.outputChars + " chars of output (" + allocationByPart(chosen) +
                "); the mutant is kept as " + keepFinding());
        }
    }

    private void noteReadTime(final long nanos, final int length, final String[][] commands)
    {
        // The first executions load (and under Jazzer instrument) each code path's classes: not the read's work.
        if (executions > WARM_UP_EXECUTIONS && nanos > slowestReadNanos)
        {
            slowestReadNanos = nanos;
            slowestReadLength = length;
            final StringBuilder names = new StringBuilder();
            for (final String[] command : commands)
            {
                names.append(names.length() == 0 ? "" : ", ").append(String.join(" ", command));
            }
            slowestReadCommands = names.toString();
        }
    }

    /** What one read of a mutant cost: bytes this thread allocated, characters shdump printed. */
    private record Read(long allocated, long outputChars)
    {
        boolean overLimit()
        {
            return allocated > ALLOCATION_LIMIT + ALLOCATION_PER_OUTPUT_CHAR * outputChars;
        }
    }

    /** Reads the mutant with the reader and {@code commands}. */
    private Read readAll(final String[][] commands, final int length)
    {
        final long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        long outputChars = 0;
        try
        {
            readEverything();
            for (final String[] command : commands)
            {
                outputChars += runShdump(command);
            }
        }
        catch (final OutOfMemoryError ex)
        {
            throw new AssertionError("OutOfMemoryError reading a mutant of " + length + " bytes", ex);
        }
        return new Read(THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore, outputChars);
    }

    /** Which part of one read allocated what: the reader, then each shdump command on its own. */
    private String allocationByPart(final String[][] commands)
    {
        final StringBuilder parts = new StringBuilder();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        readEverything();
        parts.append("reader ").append(THREADS.getCurrentThreadAllocatedBytes() - before);
        for (final String[] command : commands)
        {
            before = THREADS.getCurrentThreadAllocatedBytes();
            final long chars = runShdump(command);
            parts.append(", shdump ").append(String.join(" ", command)).append(' ')
                .append(THREADS.getCurrentThreadAllocatedBytes() - before).append(" for ")
                .append(chars).append(" chars");
        }
        return parts.toString();
    }

    /** Copies the mutant out of the scratch directory (deleted at the end of a run) for a post-mortem. */
    private Path keepFinding()
    {
        try
        {
            final Path kept = Files.createTempFile("structhist-fuzz-finding-", ".hist");
            Files.copy(mutant, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return kept;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static long value(final Choices choices, final int length)
    {
        switch (choices.pick(0, 9))
        {
            case 0: return 0;
            case 1: return -1;
            case 2: return Integer.MAX_VALUE;
            case 3: return Integer.MIN_VALUE;
            case 4: return choices.pick(0, 255);
            case 5: return length + choices.pick(-64, 64);
            case 6: return 1L << choices.pick(0, 62);
            case 7: return 4096L * choices.pick(0, 32);
            default: return choices.anyLong();
        }
    }

    private void write(final byte[] bytes, final int length)
    {
        try (FileChannel channel = FileChannel.open(mutant, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Everything a reader can be asked; HistoryFormatException is the one failure allowed. */
    private void readEverything()
    {
        try
        {
            final HistoryReader reader = HistoryReader.open(mutant);
            reader.writers();
            reader.threadsRegistered();
            reader.stringBytesUsed();
            for (final ListInfo list : reader.lists())
            {
                if (list.problem() != null)
                {
                    continue;
                }
                for (final Incarnation incarnation : reader.incarnations(list))
                {
                    for (final Event event : reader.events(incarnation))
                    {
                        event.message();
                        event.threadName();
                    }
                    reader.event(incarnation, incarnation.eventCount());
                    reader.isWriterAlive(incarnation.creatorPid());
                    reader.incarnation(incarnation.handle());
                }
            }
            reader.incarnationsOf(ADDRESS);
            for (int id = 0; id < 256; id += 8)
            {
                reader.string(id);
            }
        }
        catch (final HistoryFormatException ex)
        {
            if (ex.getMessage() == null || ex.getMessage().isBlank())
            {
                throw new AssertionError("a HistoryFormatException without a sentence", ex);
            }
            refused++;
        }
    }

    /** Runs one shdump command on the mutant; returns the characters it printed. */
    private long runShdump(final String[] command)
    {
        final String[] args = new String[command.length + 3];
        args[0] = "--no-color";
        args[1] = "--file";
        args[2] = mutant.toString();
        System.arraycopy(command, 0, args, 3, command.length);
        final CountingWriter out = new CountingWriter(0);
        final CountingWriter err = new CountingWriter(4096);
        final int code = Shdump.run(new PrintWriter(out), new PrintWriter(err), args);
        if (code < 0 || code > 3)
        {
            throw new AssertionError("shdump " + String.join(" ", command) + " exited " + code + ": " + err);
        }
        return out.chars + err.chars;
    }

    /** Counts what is written and keeps only its first {@code kept} characters (for a finding's message). */
    private static final class CountingWriter extends java.io.Writer
    {
        private final StringBuilder start = new StringBuilder();
        private final int kept;
        long chars;

        CountingWriter(final int kept)
        {
            this.kept = kept;
        }

        @Override
        public void write(final char[] buffer, final int offset, final int length)
        {
            chars += length;
            start.append(buffer, offset, Math.max(0, Math.min(length, kept - start.length())));
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }

        @Override
        public String toString()
        {
            return start.toString();
        }
    }

    /** A file like those applications leave: several lists, wrapped rings, text, stacks, stale handles, unrefs. */
    private static byte[] seed(final Path path, final boolean leaveOpen)
    {
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(FILE_BYTES).maxLists(4)
            .maxWriters(8).maxThreads(64).maxVerbs(32).stringIndexCapacity(256).stringDataBytes(8192));
        final HistoryList conns = file.list("conns", ListOptions.window(8).eventsPerObject(8).pinnedFirst(2));
        final HistoryList texts = file.list("texts",
            ListOptions.window(4).eventsPerObject(4).entrySize(128).stacks(true).clock(ClockMode.COARSE));
        long stale = 0;
        for (int i = 0; i < 12; i++)
        {
            final long handle = conns.pushHandle(i == 11 ? ADDRESS : 0x1000 + i);
            conns.log(handle, StressVerb.REF, "ref %d (%d)", i, 1);
            for (int e = 0; e < i; e++)
            {
                conns.log(handle, StressVerb.WRITE, "write %d bytes to %x at %d", e * 100, i, e);
            }
            if (i % 3 == 0)
            {
                conns.unref(handle);
            }
            if (i == 2)
            {
                stale = handle;
            }
            texts.log(texts.pushHandle(0x2000 + i), StressVerb.WRITE, "peer %s", "τext " + i + " ".repeat(i * 9));
        }
        conns.log(stale, StressVerb.STALE, "stale %d", 1);
        if (!leaveOpen)
        {
            file.close();
        }
        try
        {
            return Files.readAllBytes(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** [end of the tables, end of the last list's slots] of a seed: where mutations do the most. */
    private static int[] regionsOf(final byte[] seed, final Path scratch)
    {
        try
        {
            Files.write(scratch, seed);
            final HistoryReader reader = HistoryReader.open(scratch);
            final FileLayout layout = reader.layout();
            int end = layout.dataRegionOffset;
            for (final ListInfo list : reader.lists())
            {
                end = Math.max(end, list.regionOffset() + list.window() * list.slotLength());
            }
            Files.delete(scratch);
            return new int[] {layout.dataRegionOffset, end};
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The seeded mutation loop: {@code --seconds S} (default 120), {@code --seed N}. Each execution runs on
     * a worker thread so that a hang is caught ({@link #HANG_SECONDS}). Prints executions per second and
     * the total; exits 1 on a finding, with the seed and execution number that reproduce it.
     */
    public static void main(final String[] args) throws Exception
    {
        final FuzzCommandLine.Options options = FuzzCommandLine.options(args, 120);
        final LoopResult result = loop(options.seconds(), options.seed());
        FuzzCommandLine.report(result.summary(), result.finding);
    }

    /** What {@link #loop} found. */
    public static final class LoopResult
    {
        public final long executions;
        public final long refused;
        public final double seconds;
        public final long seed;
        public final Throwable finding;
        public final String slowestRead;

        LoopResult(final long executions, final long refused, final double seconds, final long seed,
            final Throwable finding, final String slowestRead)
        {
            this.slowestRead = slowestRead;
            this.executions = executions;
            this.refused = refused;
            this.seconds = seconds;
            this.seed = seed;
            this.finding = finding;
        }

        public String summary()
        {
            return String.format("ReaderFuzz (seeded mutation loop): %d executions in %.1f s = " +
                "%.0f exec/s, %d mutants " +
                "refused with a HistoryFormatException, %s; %s; seed %d", executions, seconds, executions / seconds,
                refused, finding == null ? "no finding" : "FINDING: " + finding.getMessage(), slowestRead, seed);
        }
    }

    public static LoopResult loop(final long seconds, final long seed) throws Exception
    {
        final Path dir = FuzzLoop.scratch("structhist-fuzz-");
        try
        {
            final ReaderFuzz fuzz = new ReaderFuzz(dir);
            final Choices choices = Choices.of(new Random(seed));
            final FuzzLoop.Outcome outcome = FuzzLoop.run("reader-fuzz", seconds, seed, HANG_SECONDS,
                () -> fuzz.execute(choices), fuzz::executions, () -> fuzz.mutant);
            return new LoopResult(fuzz.executions(), fuzz.refused(), outcome.seconds(), seed, outcome.finding(),
                fuzz.slowestRead());
        }
        finally
        {
            FuzzLoop.delete(dir);
        }
    }
}
