package org.structhist.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AnomalyKind;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.reader.HistoryReader;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.structhist.process.AuditVerb.DESTROY;
import static org.structhist.process.AuditVerb.HANDOFF;
import static org.structhist.process.AuditVerb.REF;
import static org.structhist.process.AuditVerb.UNREF;
import static org.structhist.process.AuditVerb.USE;

/**
 * One test per anomaly class that involves two owners, each with its clean twin, on real files written
 * by this JVM and a child JVM (another pid, another clock reading of the same monotonic clock): the bug
 * is flagged at the event planted, the twin not at all. Events carry no count here: what these prove,
 * they prove from the time windows alone.
 */
class AuditAcrossProcessesTest
{
    static final ListOptions OPTIONS = ListOptions.window(64).eventsPerObject(32).pinnedFirst(8);
    private static final long ADDRESS = 0xabc0;

    @TempDir
    Path dir;

    private HistoryFile file;
    private HistoryList list;
    private Path path;

    @BeforeEach
    void open()
    {
        path = dir.resolve("owners.hist");
        file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20));
        list = file.list(AuditChild.LIST, OPTIONS);
    }

    @AfterEach
    void close()
    {
        file.close();
    }

    private static void log(final History sh, final AuditVerb... verbs)
    {
        for (final AuditVerb verb : verbs)
        {
            sh.log(verb, "parent " + verb.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Runs the child to its end: it logs {@code verbs} through {@code sh}'s handle. */
    private void child(final History sh, final AuditVerb... verbs)
    {
        runChild("handle:" + Long.toHexString(sh.handle()), verbs);
    }

    private String runChild(final String target, final AuditVerb... verbs)
    {
        final Object[] args = new Object[verbs.length + 2];
        args[0] = path;
        args[1] = target;
        for (int i = 0; i < verbs.length; i++)
        {
            args[i + 2] = verbs[i].name();
        }
        try (ChildJvm child = ChildJvm.of(AuditChild.class).args(args).start())
        {
            child.awaitSuccess(ChildJvm.EXIT_TIMEOUT);
            final List<String> handles = child.linesStartingWith("HANDLE ");
            return handles.isEmpty() ? null : handles.get(0);
        }
    }

    private List<AuditedHistory> audit()
    {
        final HistoryReader reader = HistoryReader.open(path);
        return new HistoryAudit(reader).auditList(reader.list(AuditChild.LIST).orElseThrow());
    }

    private AuditedHistory only()
    {
        final List<AuditedHistory> all = audit();
        assertEquals(1, all.size());
        return all.get(0);
    }

    private static String describe(final AuditedHistory h)
    {
        return h.events().stream().map(e -> "#" + e.position() + " " + e.pid() + " " + e.verb() + " " + e.message())
            .collect(Collectors.joining("\n", "\n", "\n")) +
            h.anomalies().stream().map(Anomaly::culpritLine).collect(Collectors.joining("\n"));
    }

    private static Anomaly assertFlagged(final AuditedHistory h, final AnomalyKind kind, final int position)
    {
        final Anomaly a = h.anomalies().stream().filter(x -> x.kind() == kind).findFirst().orElse(null);
        assertNotNull(a, "no " + kind + describe(h));
        assertEquals(position, a.event().position(), describe(h));
        assertEquals(List.of(kind), h.anomalies().stream().map(Anomaly::kind).toList(), describe(h));
        return a;
    }

    private static void assertClean(final AuditedHistory h)
    {
        assertEquals(List.of(), h.anomalies(), "the clean twin" + describe(h));
    }

    @Test
    @Timeout(120)
    void extraUnrefByAnotherProcess()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF);
        child(sh, REF, UNREF, UNREF);
        log(sh, UNREF, DESTROY);
        // Proven at the last UNREF the clocks allow (the parent's: it may have come first); the cause names
        // the child's extra one.
        final Anomaly neg = assertFlagged(only(), AnomalyKind.REFCOUNT_BELOW_ZERO, 4);
        assertEquals(3, neg.causeEvent().position(), neg.culpritLine());
        assertTrue(neg.cause()
            .endsWith(" released 2 references where it took 1 (no hand-off logged)"), neg.culpritLine());
    }

    @Test
    @Timeout(120)
    void extraUnrefByAnotherProcessTwin()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF);
        child(sh, REF, UNREF);
        log(sh, UNREF, DESTROY);
        assertClean(only());
    }

    @Test
    @Timeout(120)
    void handOffWithoutARefToAnotherProcess()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, HANDOFF);
        child(sh, UNREF, DESTROY);
        log(sh, UNREF);
        final Anomaly neg = assertFlagged(only(), AnomalyKind.REFCOUNT_BELOW_ZERO, 4);
        assertEquals(1, neg.causeEvent().position(), neg.culpritLine());
        assertTrue(neg.cause().contains("handed over its last reference at #1 without taking one for the receiver"),
            neg.culpritLine());
    }

    @Test
    @Timeout(120)
    void handOffWithoutARefToAnotherProcessTwin()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, REF, HANDOFF);
        child(sh, UNREF);
        log(sh, UNREF, DESTROY);
        assertClean(only());
    }

    @Test
    @Timeout(120)
    void refFromZeroByAnotherProcess()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, UNREF);
        child(sh, USE, REF, UNREF);
        assertFlagged(only(), AnomalyKind.REF_FROM_ZERO, 3);
    }

    @Test
    @Timeout(120)
    void refFromZeroByAnotherProcessTwin()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF);
        child(sh, USE, REF, UNREF);
        log(sh, UNREF, DESTROY);
        assertClean(only());
    }

    @Test
    @Timeout(120)
    void destroyWhileAnotherProcessHoldsAReference()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF);
        child(sh, REF);
        log(sh, UNREF, DESTROY);
        assertFlagged(only(), AnomalyKind.DESTROY_WITH_REFS, 3);
    }

    @Test
    @Timeout(120)
    void destroyWhileAnotherProcessHoldsAReferenceTwin()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF);
        child(sh, REF, UNREF);
        log(sh, UNREF, DESTROY);
        assertClean(only());
    }

    /**
     * The child's first use may, by the clocks, come before the DESTROY (it has no earlier event):
     * its second is proven.
     */
    @Test
    @Timeout(120)
    void useAfterDestroyByAnotherProcess()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, UNREF, DESTROY);
        child(sh, USE, USE);
        final Anomaly uad = assertFlagged(only(), AnomalyKind.USE_AFTER_DESTROY, 4);
        assertEquals("1 event after DESTROY #2", uad.detail());
    }

    @Test
    @Timeout(120)
    void useAfterDestroyByAnotherProcessTwin()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF);
        child(sh, USE, USE);
        log(sh, UNREF, DESTROY);
        assertClean(only());
    }

    @Test
    @Timeout(120)
    void doubleDestroyByAnotherProcess()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, UNREF, DESTROY);
        child(sh, DESTROY);
        assertFlagged(only(), AnomalyKind.DOUBLE_DESTROY, 3);
    }

    /** The child pushes the address and takes a reference; this JVM uses it afterwards (so it is no leak). */
    private void pushedByChild()
    {
        final String handle = runChild("push:" + Long.toHexString(ADDRESS), REF);
        assertNotNull(handle);
        log(list.history(Long.parseUnsignedLong(handle.substring("HANDLE ".length()), 16)), USE);
    }

    @Test
    @Timeout(120)
    void pushedAgainByAnotherProcessWhileLive()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, USE);
        pushedByChild();
        final List<AuditedHistory> all = audit();
        assertEquals(2, all.size());
        assertClean(all.get(0));
        assertEquals(List.of(AnomalyKind.PUSHED_WHILE_LIVE),
            all.get(1).anomalies().stream().map(Anomaly::kind).toList(),
            describe(all.get(1)));
    }

    @Test
    @Timeout(120)
    void pushedAgainByAnotherProcessWhileLiveTwin()
    {
        final History sh = list.push(ADDRESS);
        log(sh, REF, UNREF, DESTROY);
        pushedByChild();
        final List<AuditedHistory> all = audit();
        assertEquals(2, all.size());
        all.forEach(AuditAcrossProcessesTest::assertClean);
    }
}
