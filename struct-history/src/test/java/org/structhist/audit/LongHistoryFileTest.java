package org.structhist.audit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.Effect;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.Verb;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 10,000-event history in a real file that keeps 32 of them (8 first, 24 newest), with an extra unref at
 * event 9,000 among the dropped ones, and its clean twin with a note there instead. Judged by the writer's
 * net of every claimed REF and UNREF (skipped while the file does not keep it), and by the counts in the
 * events (skipped while the library logs none).
 */
class LongHistoryFileTest
{
    private static final ListOptions OPTIONS = ListOptions.window(4).eventsPerObject(32).pinnedFirst(8);

    @TempDir
    Path dir;

    private enum LongVerb implements Verb
    {
        REF(Effect.REF), UNREF(Effect.UNREF), DESTROY(Effect.DESTROY), NOTE(Effect.NONE);

        private final Effect effect;

        LongVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    /** {@code History.log(Verb, int, String)}, the writer's count field, when the library has it. */
    private static final MethodHandle LOG_COUNT = logCount();

    private static MethodHandle logCount()
    {
        try
        {
            return MethodHandles.publicLookup().findVirtual(History.class, "log",
                MethodType.methodType(void.class, Verb.class, int.class, String.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            return null;
        }
    }

    private static void log(final History sh, final LongVerb verb, final boolean counts, final int count,
        final String message) throws Throwable
    {
        if (counts)
        {
            LOG_COUNT.invoke(sh, (Verb)verb, count, message);
        }
        else
        {
            sh.log(verb, message);
        }
    }

    /** Birth, pairs by one thread, the extra unref (or a note) at 9,000, the release and the DESTROY. */
    private static void write(final History sh, final boolean extraUnref, final boolean counts) throws Throwable
    {
        int count = 1;
        int position = 0;
        log(sh, LongVerb.REF, counts, count, "create");
        log(sh, LongVerb.NOTE, counts, count, "accept");
        position += 2;
        while (position < 9_998)
        {
            if (position == 9_000)
            {
                count -= extraUnref ? 1 : 0;
                log(sh, extraUnref ? LongVerb.UNREF : LongVerb.NOTE, counts, count, extraUnref ? "put again" : "note");
                position++;
                continue;
            }
            if (position == 9_997)
            {
                log(sh, LongVerb.NOTE, counts, count, "note");
                position++;
                continue;
            }
            log(sh, LongVerb.REF, counts, ++count, "get");
            log(sh, LongVerb.UNREF, counts, --count, "put");
            position += 2;
        }
        log(sh, LongVerb.UNREF, counts, --count, "release");
        log(sh, LongVerb.DESTROY, counts, count, "free");
    }

    private List<AuditedHistory> audit(final boolean counts) throws Throwable
    {
        final Path path = dir.resolve(counts ? "counts.hist" : "net.hist");
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(4L << 20));
        try
        {
            final HistoryList list = file.list("long", OPTIONS);
            write(list.push(0x1000), true, counts);
            write(list.push(0x2000), false, counts);
        }
        finally
        {
            file.close();
        }
        final HistoryReader reader = HistoryReader.open(path);
        final List<AuditedHistory> audited = new HistoryAudit(reader).auditList(reader.list("long").orElseThrow());
        assertEquals(2, audited.size());
        for (final AuditedHistory h : audited)
        {
            final Incarnation i = h.incarnation();
            assertEquals(10_000, i.eventCount());
            assertEquals(32, h.events().size(), "32 kept");
        }
        return audited;
    }

    @Test
    void theExtraUnrefAmongTheDroppedEventsIsFoundByTheWritersNet() throws Throwable
    {
        final List<AuditedHistory> audited = audit(false);
        Assumptions.assumeTrue(audited.get(0).incarnation().claimedRefDeltaKnown(),
            "this file does not keep the net of claimed events");
        final AuditedHistory bug = audited.get(0);
        assertEquals(List.of(AnomalyKind.REF_FROM_ZERO, AnomalyKind.REFCOUNT_BELOW_ZERO),
            bug.anomalies().stream().map(Anomaly::kind).toList(), bug.anomalies().toString());
        // One thread: its windows order the kept events exactly, and the net puts the count after the gap at 1
        // less than the pairs need. The first kept event that proves it is the ring's first REF (after an
        // UNREF that left 0); the release at the end goes below zero.
        assertEquals(10_000 - 24 + 1, bug.anomalies().get(0).event().position());
        assertEquals(9_998, bug.anomalies().get(1).event().position());
        assertEquals(-1, bug.refcountNow());
        assertEquals(List.of(), audited.get(1).anomalies(), "the clean twin");
        assertEquals(0, audited.get(1).refcountNow());
    }

    @Test
    void theExtraUnrefAmongTheDroppedEventsIsFoundByTheCounts() throws Throwable
    {
        Assumptions.assumeTrue(LOG_COUNT != null, "History.log(verb, count, ...) is not in this library yet");
        final List<AuditedHistory> audited = audit(true);
        final AuditedHistory bug = audited.get(0);
        // The first kept event whose count proves it: the ring's first REF logs 1 a second time.
        final Anomaly first = bug.anomalies().get(0);
        assertEquals(AnomalyKind.REF_FROM_ZERO, first.kind(), bug.anomalies().toString());
        assertTrue(first.event().position() >= 10_000 - 24 && first.event().position() <= 10_000 - 24 + 1,
            first.culpritLine());
        assertEquals(List.of(), audited.get(1).anomalies(), "the clean twin");
    }
}
