package org.structhist.shdump;

import org.structhist.Effect;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.Verb;

import java.nio.file.Path;

/**
 * Histories for the HTML page's tests, written by real threads into a real file:
 * <ul>
 * <li>0x2a, twice: a clean life, then a connection handed from "acceptor" to a worker, released once too
 * often by "tcpworker-2" after its DESTROY (REFCOUNT_BELOW_ZERO, USE_AFTER_DESTROY), with messages that try
 * to break out of the page ({@link #SCRIPT_PAYLOAD}, {@link #IMG_PAYLOAD}), one from a thread whose name
 * is markup (the payloads are formats: a text argument is cut at a few dozen bytes);</li>
 * <li>0x3b: 300 events from 4 threads in a list keeping 40 (the dropped gap), without counts (computed);</li>
 * <li>0x4c: {@code events} events from {@code threads} threads, for the scale test.</li>
 * </ul>
 */
final class HtmlFixture
{
    static final String SCRIPT_PAYLOAD = "</script><script>document.title='pwned-script'</script>";
    static final String IMG_PAYLOAD = "<img src=x onerror=\"document.title='pwned-img'\">";
    static final String HOSTILE_THREAD = "<b onmouseover=\"document.title='pwned-thread'\">evil</b>";

    /** Verbs as a TCP server logs them, one per effect the page colours. */
    enum Tcp implements Verb
    {
        TCP_REF(Effect.REF),
        TCP_UNREF(Effect.UNREF),
        TCP_HANDOFF(Effect.HANDOFF),
        TCP_SEND(Effect.NONE),
        TCP_DESTROY(Effect.DESTROY);

        private final Effect effect;

        Tcp(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    private HtmlFixture()
    {
    }

    /** Writes the histories of 0x2a and 0x3b into {@code path}. */
    static void write(final Path path) throws InterruptedException
    {
        try (HistoryFile file = Histories.open(path))
        {
            final HistoryList conn = file.list("TCP con", ListOptions.window(8).eventsPerObject(64).pinnedFirst(16));
            final History clean = conn.push(0x2a);
            on("acceptor", () ->
            {
                clean.log(Tcp.TCP_REF, 1, "connect");
                clean.log(Tcp.TCP_SEND, "send %d bytes", 100);
                clean.log(Tcp.TCP_UNREF, 0, "close");
                clean.log(Tcp.TCP_DESTROY, 0, "type=%d", 2);
            });
            clean.unref();
            final History h = conn.push(0x2a);
            on("acceptor", () ->
            {
                h.log(Tcp.TCP_REF, 1, "connect from 10.0.0.%d", 7);
                h.log(Tcp.TCP_REF, 2, "queue for worker");
                h.log(Tcp.TCP_HANDOFF, "to tcpworker-1");
            });
            on("tcpworker-1", () ->
            {
                h.log(Tcp.TCP_SEND, "send %d bytes", 512);
                h.log(Tcp.TCP_UNREF, 1, "send done");
            });
            on(HOSTILE_THREAD, () -> h.log(Tcp.TCP_SEND, "note " + IMG_PAYLOAD));
            on("tcpworker-2", () ->
            {
                h.log(Tcp.TCP_UNREF, 0, "tcpworker destroy");
                h.log(Tcp.TCP_DESTROY, 0, "type=%d", 2);
            });
            on("tcpworker-3", () -> h.log(Tcp.TCP_UNREF, "release " + SCRIPT_PAYLOAD));

            final HistoryList bulk = file.list("bulk", ListOptions.window(8).eventsPerObject(40).pinnedFirst(10));
            final History many = bulk.push(0x3b);
            on("main-0", () -> many.log(Tcp.TCP_REF, "open"));
            for (int t = 0; t < 4; t++)
            {
                on("bulk-" + t, () ->
                {
                    for (int i = 0; i < 37; i++)
                    {
                        many.log(Tcp.TCP_REF, "ref %d", i);
                        many.log(Tcp.TCP_UNREF, "unref %d", i);
                    }
                });
            }
            on("main-0", () ->
            {
                many.log(Tcp.TCP_UNREF, "close");
                many.log(Tcp.TCP_DESTROY, "free");
            });
        }
    }

    /** Writes 0x4c: {@code perThread} REF/UNREF pairs from each of {@code threads} threads at once. */
    static void writeMany(final Path path, final int threads, final int perThread) throws InterruptedException
    {
        try (HistoryFile file = HistoryFile.open(path,
            org.structhist.FileOptions.defaults().sizeBytes(64L << 20)))
        {
            final HistoryList list = file.list("big", ListOptions.window(4).eventsPerObject(threads * perThread * 2 + 2)
                .pinnedFirst(16));
            final History h = list.push(0x4c);
            on("main", () -> h.log(Tcp.TCP_REF, 1, "open"));
            final Thread[] all = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                all[t] = new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        h.log(Tcp.TCP_REF, "ref %d", i);
                        h.log(Tcp.TCP_UNREF, "unref %d", i);
                    }
                }, "worker-" + t);
                all[t].start();
            }
            for (final Thread t : all)
            {
                t.join();
            }
            on("main", () -> h.log(Tcp.TCP_UNREF, 0, "close"));
        }
    }

    /** Runs {@code body} on a new thread named {@code name}, and waits for it: one lane per name. */
    private static void on(final String name, final Runnable body) throws InterruptedException
    {
        final Thread thread = new Thread(body, name);
        thread.start();
        thread.join();
    }
}
