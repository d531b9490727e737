package org.structhist.junit;

import org.structhist.HistoryFormatException;
import org.structhist.audit.Anomaly;
import org.structhist.audit.AuditedHistory;
import org.structhist.audit.HistoryAudit;
import org.structhist.audit.LifeState;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.Incarnation;
import org.structhist.reader.ListInfo;
import org.structhist.render.HistoryTextRenderer;
import org.structhist.render.TextStyle;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit of one test: every object of the file pushed since the test began that is the test's
 * ({@link TestWindows}), judged by the library's {@link HistoryAudit}; the failure message, or null.
 */
final class TestAudit
{
    private static final long PID = ProcessHandle.current().pid();

    private final Path file;
    private final TestWindow window;
    private final TestWindows windows;
    private final boolean allowLive;

    TestAudit(final Path file, final TestWindow window, final TestWindows windows, final boolean allowLive)
    {
        this.file = file;
        this.window = window;
        this.windows = windows;
        this.allowLive = allowLive;
    }

    /** Each list's push count now, by list index: the watermarks a test starts from. */
    static Map<Integer, Long> pushCounts(final Path file)
    {
        final Map<Integer, Long> counts = new HashMap<>();
        try (HistoryReader reader = HistoryReader.open(file))
        {
            for (final ListInfo list : reader.lists())
            {
                counts.put(list.index(), list.totalPushed());
            }
        }
        catch (final HistoryFormatException ex)
        {
            throw new AssertionError("struct-history-junit cannot read this JVM's history " +
                "file: " + ex.getMessage(), ex);
        }
        return counts;
    }

    /** The failure message, or null when every object of the test is sound. */
    String run()
    {
        try (HistoryReader reader = HistoryReader.open(file))
        {
            return judge(reader);
        }
        catch (final HistoryFormatException ex)
        {
            return "struct-history-junit cannot read this JVM's history file: " + ex.getMessage();
        }
    }

    private String judge(final HistoryReader reader)
    {
        final HistoryAudit audit = new HistoryAudit(reader);
        // Our nanoTime 0 in wall time: another process's push time is brought into our clock through it.
        final long ourClockBase = reader.wallNanos(PID, 0);
        final List<String> cannotAudit = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        for (final ListInfo list : reader.lists())
        {
            if (list.problem() != null)
            {
                cannotAudit.add("list '" + list.name() + "' cannot be read: " + list.problem());
                continue;
            }
            final long from = window.pushedAtStart(list.index());
            final long evicted = list.totalPushed() - list.window() - from;
            if (evicted > 0)
            {
                cannotAudit.add("list '" + list.name() + "' keeps its last " + list.window() + " objects, but " +
                    (list.totalPushed() - from) + " were pushed while this test ran (by it or by tests beside it): " +
                    "the first " + evicted + " left the window before they could be audited, so give the list a " +
                    "larger window or push fewer objects per test");
            }
            final List<Incarnation> inWindow = reader.incarnations(list);
            for (final Incarnation incarnation : inWindow)
            {
                if (incarnation.pushNumber() < from || !incarnation.headerValid())
                {
                    continue;
                }
                final boolean ours = incarnation.creatorPid() == PID;
                final long pushNanos = ours ? incarnation.pushTimeNanos() :
                    reader.wallNanos(incarnation.creatorPid(), incarnation.pushTimeNanos()) - ourClockBase;
                final List<String> others = new ArrayList<>();
                final TestWindows.Owner owner = windows.owner(window, pushNanos, incarnation.creatorThreadId(), ours,
                    others);
                if (owner == TestWindows.Owner.OTHERS)
                {
                    continue;
                }
                final AuditedHistory history = audited(audit, inWindow, incarnation);
                final boolean live = history.state() == LifeState.LIVE || history.state() == LifeState.LEAKED;
                if (history.hasBug() || (live && !allowLive))
                {
                    findings.add(new Finding(history, live && !allowLive, others,
                        reader.threadName(incarnation.creatorPid(), incarnation.creatorThreadId())));
                }
            }
        }
        if (findings.isEmpty() && cannotAudit.isEmpty())
        {
            return null;
        }
        return message(reader, audit, findings, cannotAudit);
    }

    /**
     * The incarnation audited as {@code shdump --obj} audits it: with the list's other incarnations of the same
     * address, so that one pushed while the one before it was live is flagged (PUSHED_WHILE_LIVE) here too.
     */
    private static AuditedHistory audited(final HistoryAudit audit, final List<Incarnation> inWindow,
        final Incarnation incarnation)
    {
        final List<AuditedHistory> sameAddress = new ArrayList<>();
        for (final Incarnation other : inWindow) // oldest push first, as pushedWhileLive wants them
        {
            if (other.address() == incarnation.address() && other.pushNumber() <= incarnation.pushNumber())
            {
                sameAddress.add(audit.audit(other));
            }
        }
        final List<AuditedHistory> judged = HistoryAudit.pushedWhileLive(sameAddress);
        return judged.get(judged.size() - 1);
    }

    private String message(final HistoryReader reader, final HistoryAudit audit, final List<Finding> findings,
        final List<String> cannotAudit)
    {
        final StringWriter text = new StringWriter();
        final PrintWriter out = new PrintWriter(text);
        out.println(summary(findings, cannotAudit));
        for (final String reason : cannotAudit)
        {
            out.println("  cannot audit: " + reason);
        }
        for (final Finding f : findings)
        {
            final Incarnation i = f.history.incarnation();
            final String object = HistoryTextRenderer.address(i.address()) + " in '" + i.list().name() + "'";
            for (final Anomaly a : f.history.anomalies())
            {
                if (!a.information())
                {
                    out.println("  " + object + ": " + a.culpritLine());
                }
            }
            if (f.live)
            {
                out.println("  " + object + ": LIVE at the end of the test (refcount " + refs(f.history) +
                    "): a leak, or use @StructHistoryTest(allowLive = true) if it outlives the test on purpose");
            }
            if (!f.alsoOthers.isEmpty())
            {
                out.println("  " + object + ": pushed by thread '" + f.creatorThread + "', which runs no test, while " +
                    String.join(", ", f.alsoOthers) + " ran too: it cannot be told whose it is, so each of them " +
                    "fails (push it from the test's own thread, or run these tests with @Execution(SAME_THREAD))");
            }
        }
        final HistoryTextRenderer renderer = new HistoryTextRenderer(reader, audit, TextStyle.PLAIN);
        for (final Finding f : findings)
        {
            out.println();
            renderer.print(out, f.history, e -> true);
            out.println("  open it: ./shdump --obj " + HistoryTextRenderer.address(f.history.incarnation().address()) +
                " --file " + file);
        }
        out.flush();
        return text.toString().stripTrailing();
    }

    private String summary(final List<Finding> findings, final List<String> cannotAudit)
    {
        final long wrong = findings.stream().filter(f -> f.history.hasBug()).count();
        final long live = findings.stream().filter(f -> f.live).count();
        final List<String> parts = new ArrayList<>();
        if (wrong > 0)
        {
            parts.add(wrong + (wrong == 1 ? " object has a refcount anomaly" : " objects have refcount anomalies"));
        }
        if (live > 0)
        {
            parts.add(live + (live == 1 ? " object is" : " objects are") + " still live");
        }
        if (!cannotAudit.isEmpty())
        {
            parts.add("not every object could be audited");
        }
        return "struct history of " + window.name + ": " + String.join(" and ", parts) + " (file " + file + ", kept)";
    }

    private static String refs(final AuditedHistory history)
    {
        final long refs = history.refcountNow();
        return refs == AuditedHistory.UNKNOWN ? "unknown" : String.valueOf(refs);
    }

    /** One object of the test that fails it. */
    private static final class Finding
    {
        final AuditedHistory history;
        final boolean live;
        final List<String> alsoOthers;
        final String creatorThread;

        Finding(final AuditedHistory history, final boolean live, final List<String> alsoOthers,
            final String creatorThread)
        {
            this.history = history;
            this.live = live;
            this.alsoOthers = alsoOthers;
            this.creatorThread = creatorThread;
        }
    }
}
