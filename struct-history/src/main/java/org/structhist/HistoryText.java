package org.structhist;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Renders histories as text for {@link HistoryList#flush} and {@link History#flush}: the OpenSIPS
 * {@code sh_flush} output, read back through {@link HistoryReader} so it shows exactly what a
 * post-mortem reader of the file would.
 */
final class HistoryText
{
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private HistoryText()
    {
    }

    static void flushList(final HistoryList list, final Appendable out)
    {
        final HistoryReader reader = HistoryReader.over(list.file().buffer(), list.file().path().toString());
        final Optional<ListInfo> info = reader.lists().stream().filter(l -> l.index() == list.index()).findFirst();
        if (info.isEmpty())
        {
            return;
        }
        for (final Incarnation incarnation : reader.incarnations(info.get()))
        {
            write(reader, incarnation, out);
        }
    }

    static void flushHandle(final HistoryList list, final long handle, final Appendable out)
    {
        final HistoryReader reader = HistoryReader.over(list.file().buffer(), list.file().path().toString());
        final Optional<Incarnation> incarnation = reader.incarnation(handle);
        if (incarnation.isPresent())
        {
            write(reader, incarnation.get(), out);
        }
        else
        {
            append(out, "list '" + list.name() + "' push #" + HistoryList.pushNumber(handle) +
                ": no longer in the window\n");
        }
    }

    static void write(final HistoryReader reader, final Incarnation incarnation, final Appendable out)
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append("list '").append(incarnation.list().name()).append("' object 0x")
            .append(Long.toHexString(incarnation.address())).append(" gen ").append(incarnation.generation())
            .append(" push #").append(incarnation.pushNumber())
            .append(" pid ").append(incarnation.creatorPid())
            .append(" pushed ").append(time(reader.wallNanos(incarnation.creatorPid(), incarnation.pushTimeNanos())))
            .append(incarnation.unref() ? " [unref]" : " [live]")
            .append(" events ").append(incarnation.eventCount()).append('\n');
        int expected = 0;
        for (final Event event : reader.events(incarnation))
        {
            if (event.position() != expected)
            {
                sb.append("  ... ").append(event.position() - expected).append(" events dropped ...\n");
            }
            expected = event.position() + 1;
            sb.append("  #").append(event.position()).append(' ');
            if (event.status() != EventStatus.VALID)
            {
                sb.append(event.status()).append(" (pid field ").append(event.pid()).append(")\n");
                continue;
            }
            sb.append(time(event.wallNanos())).append(" pid=").append(event.pid())
                .append(' ').append(event.threadName()).append(' ').append(event.verb());
            if (event.hasCount())
            {
                sb.append(" count=").append(event.count());
            }
            sb.append(' ').append(event.message()).append('\n');
        }
        if (incarnation.staleEventsDropped() > 0)
        {
            sb.append("  (").append(incarnation.staleEventsDropped())
                .append(" events from stale handles of earlier occupants refused)\n");
        }
        append(out, sb);
    }

    private static String time(final long wallNanos)
    {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(wallNanos, 1_000_000_000L),
            Math.floorMod(wallNanos, 1_000_000_000L)));
    }

    private static void append(final Appendable out, final CharSequence text)
    {
        try
        {
            out.append(text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
