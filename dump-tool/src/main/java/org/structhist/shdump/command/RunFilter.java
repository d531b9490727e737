package org.structhist.shdump.command;

import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.WriterInfo;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.cli.TimeArgument;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code --pid} and {@code --run}: only the incarnations one process (or one run of an application)
 * pushed, when several runs share one file. A run is a writer of the file known by its start time, as
 * {@code shdump info} shows it; an incarnation is in it when that writer pushed it (its pid, at or after
 * its start: an earlier process with the same pid is another run).
 */
final class RunFilter
{
    @Option(names = "--pid", paramLabel = "PID", split = ",", description = "Only incarnations pushed by these pids.")
    List<Long> pids;

    @Option(names = "--run", paramLabel = "TIME", converter = TimeArgument.class,
        description = "Only incarnations pushed by the writer that started at TIME, to the second, or to the " +
            "millisecond when TIME has a fraction (STARTED in 'shdump info').")
    Long runStartNanos;

    private WriterInfo run;

    /** Resolves {@code --run} against the file's writers; a time no writer started at is a usage error. */
    RunFilter resolve(final HistoryReader reader)
    {
        if (runStartNanos == null)
        {
            return this;
        }
        // To the second when TIME gives whole seconds, else to the millisecond (start times are in ms).
        final long unitMillis = runStartNanos % 1_000_000_000L == 0 ? 1000L : 1L;
        final long at = Math.floorDiv(runStartNanos, 1_000_000L * unitMillis);
        final List<WriterInfo> started = reader.writers().stream()
            .filter(w -> w.processStartMillis() != 0 && Math.floorDiv(w.processStartMillis(), unitMillis) == at)
            .toList();
        if (started.size() != 1)
        {
            throw new ShdumpException(ExitCode.USAGE,
                (started.isEmpty() ? "no writer of " : "more than one writer of ") +
                reader.name() + " started then: 'shdump info' lists the writers with their start times" +
                (started.isEmpty() ? "" : "; use --pid"));
        }
        run = started.get(0);
        return this;
    }

    boolean isSet()
    {
        return pids != null || runStartNanos != null;
    }

    /** Whether {@code i} was pushed by one of {@code --pid} and in {@code --run}. */
    boolean includes(final HistoryReader reader, final Incarnation i)
    {
        if (pids != null && !pids.contains((long)i.creatorPid()))
        {
            return false;
        }
        return run == null || i.headerValid() && i.creatorPid() == run.pid() &&
            reader.wallNanos(i.creatorPid(), i.pushTimeNanos()) >= run.processStartMillis() * 1_000_000L;
    }
}
