package org.structhist.shdump.command;

import org.structhist.reader.HistoryReader;
import org.structhist.shdump.output.Style;
import picocli.CommandLine;

import java.io.PrintWriter;

/** What every command that reads a file shares: the root's options, the reader, the output. */
abstract class FileCommand
{
    @CommandLine.ParentCommand
    RootCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    HistoryReader reader()
    {
        return root.openReader();
    }

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    PrintWriter err()
    {
        return spec.commandLine().getErr();
    }

    Style style()
    {
        return root.style();
    }
}
