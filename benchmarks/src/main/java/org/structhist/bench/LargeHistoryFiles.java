package org.structhist.bench;

import org.structhist.Effect;
import org.structhist.FileOptions;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;
import org.structhist.StructHistory;
import org.structhist.Verb;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Writes the same events twice, for {@code cli-vs-grep.sh}: into a history file of the given size
 * (filled: a list whose window fills the file) and as a text log, one line per event, the way an
 * application would log them without structhist. Every object gets a random number of events (some
 * more than the list keeps), its lifecycle is connect / refs / unrefs / destroy, and one object in a
 * thousand is destroyed with a reference left, so {@code check} has something to find.
 * <p>
 * Usage: {@code LargeHistoryFiles HISTORY_FILE TEXT_LOG SIZE_MIB}. Prints the address to look up.
 */
public final class LargeHistoryFiles
{
    enum TcpVerb implements Verb
    {
        TCP_REF(Effect.REF), TCP_UNREF(Effect.UNREF), TCP_SEND2CHILD(Effect.NONE), TCP_DESTROY(Effect.DESTROY);

        private final Effect effect;

        TcpVerb(final Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public Effect effect()
        {
            return effect;
        }
    }

    private static final int EVENTS_PER_OBJECT = 64;
    private static final int SLOT_BYTES = 64 + EVENTS_PER_OBJECT * 64;

    private LargeHistoryFiles()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (!StructHistory.ENABLED || args.length != 3)
        {
            System.err.println("usage: java -Dstructhist=true ... LargeHistoryFiles HISTORY_FILE TEXT_LOG SIZE_MIB");
            System.exit(2);
        }
        final Path historyPath = Paths.get(args[0]);
        final Path logPath = Paths.get(args[1]);
        final long size = Long.parseLong(args[2]) << 20;
        Files.deleteIfExists(historyPath);
        final HistoryFile file = HistoryFile.open(historyPath, FileOptions.defaults().sizeBytes(size));
        final int window = (int)((size - (4L << 20)) / SLOT_BYTES);
        final HistoryList tcp = file.list("TCP con", ListOptions.window(window).eventsPerObject(EVENTS_PER_OBJECT));
        final SplittableRandom random = new SplittableRandom(42);
        final long pid = ProcessHandle.current().pid();
        final String thread = Thread.currentThread().getName();
        long events = 0;
        long lookup = 0;
        try (BufferedWriter log = Files.newBufferedWriter(logPath, StandardCharsets.UTF_8))
        {
            final StringBuilder line = new StringBuilder(160);
            for (int o = 0; o < window; o++)
            {
                final long address = 0x7f95_0000_0000L + o * 0x60L;
                if (o == window / 2)
                {
                    lookup = address;
                }
                final long handle = tcp.pushHandle(address);
                final int count = 8 + random.nextInt(EVENTS_PER_OBJECT + 32);
                final boolean buggy = o % 1000 == 999;
                int refs = 0;
                for (int e = 0; e < count; e++)
                {
                    final TcpVerb verb;
                    final String format;
                    if (e == 0)
                    {
                        verb = TcpVerb.TCP_REF;
                        format = "connect, (%d)";
                        refs = 1;
                    }
                    else if (e == count - 1)
                    {
                        verb = TcpVerb.TCP_DESTROY;
                        format = "type=%d";
                    }
                    else if (e == count - 2)
                    {
                        verb = buggy ? TcpVerb.TCP_SEND2CHILD : TcpVerb.TCP_UNREF;
                        format = buggy ? "write, (%d)" : "tcpworker destroy, (%d)";
                        refs = buggy ? refs : refs - 1;
                    }
                    else if (e % 2 == 1 && e == count - 3)
                    {
                        // An odd number of middle events: the last one has no partner, so it takes no ref.
                        verb = TcpVerb.TCP_SEND2CHILD;
                        format = "read, (%d)";
                    }
                    else if (e % 2 == 1)
                    {
                        verb = TcpVerb.TCP_REF;
                        format = "tcp_conn_get, (%d)";
                        refs++;
                    }
                    else
                    {
                        verb = TcpVerb.TCP_UNREF;
                        format = "send 6, (%d)";
                        refs--;
                    }
                    final long arg = verb == TcpVerb.TCP_DESTROY ? 2 : refs;
                    tcp.log(handle, verb, format, arg);
                    line.setLength(0);
                    line.append(Instant.now()).append(" pid=").append(pid).append(' ').append(thread).append(' ')
                        .append(verb.name()).append(" 0x").append(Long.toHexString(address)).append(' ')
                        .append(String.format(format, arg)).append('\n');
                    log.append(line);
                    events++;
                }
                tcp.unref(handle);
            }
        }
        file.close();
        System.out.println("objects=" + window + " events=" + events + " lookup=0x" + Long.toHexString(lookup));
    }
}
