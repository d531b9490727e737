package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.internal.ThreadRegistry;
import org.structhist.reader.Event;
import org.structhist.reader.HistoryReader;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Threads past the thread table's bound keep their names (ended threads' entries are taken over), and
 * virtual threads are named: by their name, or {@code virtual-ID}. The virtual-thread test runs on a JDK
 * with virtual threads (21+; CI's newest-JDK pass) and is skipped on 17.
 */
class ThreadTableTest
{
    private static final int MAX_THREADS = 4;

    @TempDir
    Path dir;

    /** Runs {@code threads} one after another, each logging its index to object index + 1. */
    private static void runOneAfterAnother(final List<Thread> threads) throws InterruptedException
    {
        for (final Thread thread : threads)
        {
            thread.start();
            thread.join();
        }
    }

    private static Runnable logger(final HistoryList list, final int index)
    {
        return () -> list.push(index + 1).log(TcpVerb.TCP_REF, "by thread %d", index);
    }

    private HistoryFile smallTable(final Path path)
    {
        return HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20).maxThreads(MAX_THREADS));
    }

    private static String threadNameOfObject(final HistoryReader reader, final long address)
    {
        final List<Event> events = reader.events(reader.incarnationsOf(address).get(0));
        assertEquals(1, events.size());
        return events.get(0).threadName();
    }

    /**
     * An event of long arguments finds its thread's id in a small table indexed by the id's low bits, not in
     * the ThreadLocal: two threads that share an entry must each still log under their own id and name, the
     * one whose entry was taken over included.
     */
    @Test
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
    void threadsWhoseIdsShareAnEntryOfTheKnownIdsEachLogUnderTheirOwn() throws InterruptedException
    {
        final Path path = dir.resolve("known.hist");
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20)))
        {
            final HistoryList list = file.list("work", ListOptions.window(64));
            final History firstObject = list.push(1);
            final CountDownLatch firstLogged = new CountDownLatch(1);
            final CountDownLatch secondLogged = new CountDownLatch(1);
            final Thread first = new Thread(() ->
            {
                firstObject.log(TcpVerb.TCP_REF, "before");
                firstLogged.countDown();
                awaitQuietly(secondLogged);
                firstObject.log(TcpVerb.TCP_REF, "after its entry was taken");
            }, "first");
            first.start();
            firstLogged.await();
            // Thread ids are handed out as threads are made: make (not start) threads until one shares the entry.
            Thread second;
            do
            {
                second = new Thread(() ->
                {
                    list.push(2).log(TcpVerb.TCP_REF, "shares the entry");
                    secondLogged.countDown();
                }, "second");
            }
            while ((second.getId() - first.getId()) % ThreadRegistry.KNOWN_THREADS != 0);
            second.start();
            second.join();
            first.join();
            try (HistoryReader reader = HistoryReader.open(path))
            {
                final List<Event> firsts = reader.events(reader.incarnationsOf(1).get(0));
                assertEquals(2, firsts.size());
                for (final Event e : firsts)
                {
                    assertEquals((int)first.getId(), e.threadId(), e.toString());
                    assertEquals("first", e.threadName(), e.toString());
                }
                assertEquals((int)second.getId(), reader.events(reader.incarnationsOf(2).get(0)).get(0).threadId());
                assertEquals("second", threadNameOfObject(reader, 2));
            }
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void threadsPastTheTablesBoundTakeOverEntriesOfEndedThreads() throws InterruptedException
    {
        final Path path = dir.resolve("threads.hist");
        final int count = MAX_THREADS * 5;
        try (HistoryFile file = smallTable(path))
        {
            final HistoryList list = file.list("work", ListOptions.window(64));
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                threads.add(new Thread(logger(list, i), "worker-" + i));
            }
            runOneAfterAnother(threads);
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            assertEquals(0, reader.threadsNotRegistered(), "every thread found an entry");
            // The newest threads' entries are intact; older ones may have been taken over since.
            for (int i = count - MAX_THREADS; i < count; i++)
            {
                assertEquals("worker-" + i, threadNameOfObject(reader, i + 1));
            }
        }
    }

    @Test
    void aThreadWithAnEmptyNameIsShownByItsId() throws InterruptedException
    {
        final Path path = dir.resolve("empty.hist");
        final Thread unnamed;
        try (HistoryFile file = smallTable(path))
        {
            unnamed = new Thread(logger(file.list("work", ListOptions.window(8)), 0), "");
            runOneAfterAnother(List.of(unnamed));
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            @SuppressWarnings("deprecation") final long id = unnamed.getId();
            assertEquals("thread-" + id, threadNameOfObject(reader, 1));
        }
    }

    @Test
    void virtualThreadsAreNamedPastTheTablesBound() throws Exception
    {
        final Method ofVirtual;
        try
        {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        }
        catch (final NoSuchMethodException ex)
        {
            assumeTrue(false, "no virtual threads on JDK " + Runtime.version());
            return;
        }
        final Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        final Method unstarted = builderType.getMethod("unstarted", Runnable.class);
        final Method name = builderType.getMethod("name", String.class);
        final Path path = dir.resolve("virtual.hist");
        final int count = MAX_THREADS * 5;
        final List<Thread> threads = new ArrayList<>();
        try (HistoryFile file = smallTable(path))
        {
            final HistoryList list = file.list("work", ListOptions.window(64));
            for (int i = 0; i < count; i++)
            {
                final Object builder = ofVirtual.invoke(null);
                threads.add((Thread)unstarted.invoke(i == count - 2 ? name.invoke(builder, "named-vt") : builder,
                    logger(list, i)));
            }
            runOneAfterAnother(threads);
        }
        try (HistoryReader reader = HistoryReader.open(path))
        {
            assertEquals(0, reader.threadsNotRegistered());
            @SuppressWarnings("deprecation") final long lastId = threads.get(count - 1).getId();
            assertEquals("virtual-" + lastId, threadNameOfObject(reader, count));
            assertEquals("named-vt", threadNameOfObject(reader, count - 1));
        }
    }

    @Test
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    void aReaderOfALiveFileSeesATakenOverEntryAfterARefresh() throws InterruptedException
    {
        final Path path = dir.resolve("live.hist");
        try (HistoryFile file = HistoryFile.open(path, FileOptions.defaults().sizeBytes(8L << 20).maxThreads(1));
            HistoryReader reader = HistoryReader.open(path))
        {
            final HistoryList list = file.list("work", ListOptions.window(8));
            final int pid = (int)ProcessHandle.current().pid();
            final Thread first = new Thread(logger(list, 0), "first");
            runOneAfterAnother(List.of(first));
            assertEquals("first", reader.threadName(pid, (int)first.getId()));
            final Thread second = new Thread(logger(list, 1), "second");
            runOneAfterAnother(List.of(second));
            assertEquals("thread-" + second.getId(), reader.threadName(pid, (int)second.getId()),
                "before a refresh, the entries read are trusted");
            reader.refresh();
            assertEquals("second", reader.threadName(pid, (int)second.getId()), "the taken-over entry, read again");
            assertEquals("first", reader.threadName(pid, (int)first.getId()), "a name once read stays known");
        }
    }
}
