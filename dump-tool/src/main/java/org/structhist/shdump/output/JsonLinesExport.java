package org.structhist.shdump.output;

import org.structhist.audit.AuditedHistory;

import java.io.IOException;

/**
 * {@code export --format json}: JSON lines exactly as {@code show --json} prints them (an "incarnation"
 * line, then one "event" line per kept event), but for every selected history and with no filter, so
 * scripts read one schema (docs/CLI.md) whichever command wrote it.
 */
public final class JsonLinesExport implements HistoryExport
{
    private final HistoryRenderer renderer;

    public JsonLinesExport(final HistoryRenderer renderer)
    {
        this.renderer = renderer;
    }

    @Override
    public void begin(final Appendable out)
    {
        // JSON lines have no header: an empty selection is an empty file.
    }

    @Override
    public void history(final Appendable out, final AuditedHistory history) throws IOException
    {
        renderer.incarnationJson(history).appendTo(out);
        out.append('\n');
        for (int i = 0; i < history.events().size(); i++)
        {
            renderer.eventJson(history, i).appendTo(out);
            out.append('\n');
        }
    }

    @Override
    public void end(final Appendable out)
    {
    }
}
