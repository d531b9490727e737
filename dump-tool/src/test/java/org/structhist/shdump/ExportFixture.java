package org.structhist.shdump;

import org.structhist.Effect;
import org.structhist.FileOptions;
import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.Verb;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * A small history file written with the library, holding what an export must carry: a use after
 * destroy with a negative refcount, text that needs JSON escaping, one address in two lists, and an
 * object whose middle events were dropped. Plus a way to run shdump in-process.
 */
final class ExportFixture
{
    static final long CONNECTION = 0x7f00_0000_1000L;
    static final long TALKER = 0x7f00_0000_2000L;
    static final long CHATTY = 0x7f00_0000_3000L;
    static final String AWKWARD_TEXT = "say \"hi\"\n\t\\ ü ☃ \u0001";

    /** Verbs as a user declares them: the effect drives the running refcount. */
    enum TestVerb implements Verb
    {
        REF(Effect.REF),
        UNREF(Effect.UNREF),
        SEND(Effect.NONE),
        DESTROY(Effect.DESTROY);

        private final Effect effect;

        TestVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    /** What one shdump run returned and printed. */
    record Run(int code, String out, String err)
    {
    }

    private ExportFixture()
    {
    }

    /** Writes the fixture's histories to {@code path} (created). */
    static void write(final Path path)
    {
        final HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20));
        try
        {
            final HistoryList tcp = file.list("TCP con", ListOptions.window(8).entrySize(128));
            final HistoryList udp = file.list("UDP sock", ListOptions.window(8));
            final HistoryList small = file.list("short", ListOptions.window(4).eventsPerObject(4).pinnedFirst(2));

            final History connection = tcp.push(CONNECTION);
            connection.log(TestVerb.REF, "connect, (%d)", 1);
            connection.log(TestVerb.REF, "get, (%d)", 2);
            connection.log(TestVerb.UNREF, "send %d, (%d)", 6, 1);
            connection.log(TestVerb.UNREF, "worker done, (%d)", 0);
            connection.log(TestVerb.DESTROY, "type=%d", 2);
            connection.log(TestVerb.SEND, "main: read more");
            connection.log(TestVerb.UNREF, "main done, (%d)", -1);
            connection.unref();

            final History talker = tcp.push(TALKER);
            talker.log(TestVerb.REF, "%s", AWKWARD_TEXT);
            talker.log(TestVerb.UNREF, "bye");
            talker.unref();

            final History again = udp.push(CONNECTION);
            again.log(TestVerb.REF, "udp open, (%d)", 1);

            final History chatty = small.push(CHATTY);
            for (int i = 0; i < 7; i++)
            {
                chatty.log(TestVerb.SEND, "step %d", i);
            }
        }
        finally
        {
            file.close();
        }
    }

    /** Runs shdump in this JVM. */
    static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Shdump.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }
}
