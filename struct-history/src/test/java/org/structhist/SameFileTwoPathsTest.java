package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.reader.HistoryReader;
import org.structhist.reader.ListInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One file opened under two paths in one process (here a hard link: a symlink is refused) gives two
 * HistoryFile instances, each with its own lock around list creation. Two threads creating lists through
 * them at once must still get one directory entry each: both claims carry the same pid, and a creator that took
 * the other's claim for
 * a dead process's leftover created its list in the same entry (found by the stress-tests module's
 * jcstress ListDirectoryTwoNamesTest).
 */
class SameFileTwoPathsTest
{
    private static final int ROUNDS = 300;

    @TempDir
    Path dir;

    @Test
    void listsCreatedAtOnceThroughTwoPathsGetTheirOwnEntries() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                final Path real = dir.resolve("file-" + round + ".hist");
                final Path link = dir.resolve("link-" + round + ".hist");
                final HistoryFile one = TestFiles.open(real, 256 * 1024);
                Files.createLink(link, real);
                final HistoryFile two = TestFiles.open(link, 256 * 1024);
                assertNotSame(one, two, "a second link's path is another key: two instances");
                final CyclicBarrier start = new CyclicBarrier(2);
                final Future<HistoryList> a = pool.submit(() ->
                {
                    start.await();
                    return one.list("a", ListOptions.window(2).eventsPerObject(2));
                });
                final Future<HistoryList> b = pool.submit(() ->
                {
                    start.await();
                    return two.list("b", ListOptions.window(2).eventsPerObject(2));
                });
                final int indexA = a.get(10, TimeUnit.SECONDS).index();
                final int indexB = b.get(10, TimeUnit.SECONDS).index();
                final int r = round;
                assertNotEquals(indexA, indexB, () -> "round " + r +
                    ": lists 'a' and 'b' share directory entry " + indexA);
                final List<ListInfo> lists = HistoryReader.open(real).lists();
                assertEquals(2, lists.size(), () -> "round " + r + ": " + lists);
                assertEquals("a", lists.stream().filter(l -> l.index() == indexA).findFirst().orElseThrow().name());
                assertEquals("b", lists.stream().filter(l -> l.index() == indexB).findFirst().orElseThrow().name());
                one.close();
                two.close();
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
