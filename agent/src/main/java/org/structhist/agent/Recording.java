package org.structhist.agent;

import org.structhist.ClockMode;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;

import java.nio.file.Path;

/** Opens the history file and the agent's list, and reports at exit what could not be recorded. */
final class Recording
{
    /** Room in the file for everything but the list's region: headers, strings, threads, writers. */
    private static final long FILE_HEADROOM = 16L * 1024 * 1024;

    private Recording()
    {
    }

    /** Starts recording; null, or one sentence saying why it could not. */
    static String start(final AgentOptions options)
    {
        if (!StructHistory.ENABLED)
        {
            return "struct history is off although the agent switched it on (was it loaded before the agent?)";
        }
        final Path path = options.file != null ? options.file : HistoryFile.defaultPath();
        final HistoryList list;
        try
        {
            final ListOptions listOptions = ListOptions.window(options.window)
                .eventsPerObject(Math.max(2, options.events))
                .entrySize(AgentOptions.ENTRY_SIZE)
                .stacks(options.stacks)
                .clock(options.coarseClock ? ClockMode.COARSE : ClockMode.EXACT);
            final FileOptions defaults = FileOptions.defaults();
            final long size = Math.max(defaults.sizeBytes(), listOptions.regionLength() + FILE_HEADROOM);
            list = HistoryFile.open(path, defaults.sizeBytes(size)).list(AgentOptions.LIST_NAME, listOptions);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // A LinkageError: Agrona could not reach jdk.internal.misc (the export failed). Never out of premain:
            // that would stop the application from starting.
            return "cannot record into " + path + ": " + (ex instanceof LinkageError ? ex.toString() : ex.getMessage());
        }
        NettyHooks.install(list);
        Runtime.getRuntime().addShutdownHook(new Thread(Recording::reportFailures, "structhist-agent exit report"));
        return null;
    }

    private static void reportFailures()
    {
        final long failures = NettyHooks.failures();
        if (failures > 0)
        {
            System.err.println("structhist-agent: " + failures + " buffer events could not be recorded");
        }
    }
}
