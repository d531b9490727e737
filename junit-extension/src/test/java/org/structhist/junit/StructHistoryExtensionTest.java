package org.structhist.junit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.structhist.shdump.Shdump;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extension at work: fixture classes (org.structhist.junit.fixtures, never run by surefire itself) run by
 * the real JUnit Platform launcher in child JVMs, once on the oldest JUnit the extension supports and once on
 * the newest, on the JDK that runs this test (run the module's tests with JAVA_HOME set for another JDK).
 * The children start without -Dstructhist: the extension's session listener switches it on.
 */
class StructHistoryExtensionTest
{
    /** First, alone: its class reads the switch when it is initialised. */
    private static final String FIRST = "sequential:StaticListFixture";
    private static final String SEQUENTIAL =
        "sequential:PlantedFixture,AllowLiveClassFixture,CleanFixture,OffHeapFixture";
    private static final String PARALLEL = "parallel:ParallelLeftFixture,ParallelRightFixture";
    private static final String AMBIGUOUS = "parallel:AmbiguousHelperFixture,AmbiguousBystanderFixture";
    private static final List<Path> KEPT = new ArrayList<>();

    static List<String> versions()
    {
        return FixtureRuns.versions();
    }

    private static FixtureRuns.Output fixtures(final String version)
    {
        final FixtureRuns.Output output =
            FixtureRuns.cached(version, List.of(), FIRST, SEQUENTIAL, PARALLEL, AMBIGUOUS);
        synchronized (KEPT)
        {
            if (!KEPT.contains(output.file))
            {
                KEPT.add(output.file);
            }
        }
        return output;
    }

    @AfterAll
    static void deleteKeptFiles() throws IOException
    {
        for (final Path file : KEPT)
        {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aPlantedDoubleUnrefFailsWithTheHistoryThatHoldsTheExtraUnref(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("PlantedFixture#doubleUnref"));
        final String message = run.message("PlantedFixture#doubleUnref");
        assertTrue(message.startsWith("java.lang.AssertionError: struct history of PlantedFixture.doubleUnref: " +
            "1 object has a refcount anomaly"), message);
        assertTrue(message.contains("0xd0b1e in 'fixture connections': REFCOUNT_BELOW_ZERO"), message);
        // The history as shdump prints it: its header, and the extra unref's row with the count it logged.
        assertTrue(message.contains("\nfixture connections  0xd0b1e  incarnation 1  gen "), message);
        assertTrue(message.lines().anyMatch(l -> l.contains("CONN_UNREF") && l.contains("=-1") &&
            l.endsWith("timer closes it again")), message);
        assertTrue(message.contains("open it: ./shdump --obj 0xd0b1e --file " + run.file), message);
        // Nothing of the tests before or after it.
        assertFalse(message.contains("0xc1ea4") || message.contains("0xb0f") || message.contains("0x1ea4"), message);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aRefCounterRefusingASecondReleaseFailsTheTest(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("PlantedFixture#refCounterDoubleUnref"));
        final String message = run.message("PlantedFixture#refCounterDoubleUnref");
        assertTrue(message.contains("0xb0f in 'fixture buffers': USE_AFTER_DESTROY"), message);
        assertTrue(message.lines()
            .anyMatch(l -> l.contains("REFCOUNT_REFUSED") && l.endsWith("release again")), message);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void theSessionListenerSwitchesStructHistoryOnBeforeTestClassesLoad(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("StaticListFixture#leakInAListMadeAtClassInitialisation"));
        final String message = run.message("StaticListFixture#leakInAListMadeAtClassInitialisation");
        assertTrue(message.contains("0xea41 in 'fixture early': LIVE at the end of the test"), message);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void cleanTestsPassEvenRightAfterWrongOnes(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        for (final String test : List.of("PlantedFixture#cleanAfterADoubleUnref", "PlantedFixture#cleanAfterALeak",
            "CleanFixture#everyObjectReleased", "OffHeapFixture#chunkFreed"))
        {
            assertEquals("SUCCESSFUL", run.status(test), () -> test + ": " + run.message(test));
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void anObjectLiveAtTheEndFailsAsALeakUnlessAllowed(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("PlantedFixture#leak"));
        final String leak = run.message("PlantedFixture#leak");
        assertTrue(leak.contains("1 object is still live"), leak);
        assertTrue(leak.contains("0x1ea4 in 'fixture buffers': LIVE at the end of the test (refcount 1)"), leak);
        assertTrue(leak.contains("open it: ./shdump --obj 0x1ea4 --file "), leak);
        assertEquals("SUCCESSFUL", run.status("PlantedFixture#leakAllowedOnTheMethod"),
            () -> run.message("PlantedFixture#leakAllowedOnTheMethod"));
        assertEquals("SUCCESSFUL", run.status("AllowLiveClassFixture#liveObjectAllowedByTheClass"),
            () -> run.message("AllowLiveClassFixture#liveObjectAllowedByTheClass"));
        assertEquals("FAILED", run.status("AllowLiveClassFixture#liveObjectRefusedByTheMethod"));
        assertTrue(run.message("AllowLiveClassFixture#liveObjectRefusedByTheMethod")
            .contains("0x3e7 in 'fixture buffers'"));
        // Pushed by a thread the test started: the test's own, since no other test ran meanwhile.
        assertEquals("FAILED", run.status("PlantedFixture#leakOnAHelperThread"));
        final String helper = run.message("PlantedFixture#leakOnAHelperThread");
        assertTrue(helper.contains("0x4e1f in 'fixture buffers': LIVE") && helper.contains(" fixture-helper "), helper);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void offheapAllocsAutomaticHistoryIsCoveredUnchanged(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("OffHeapFixture#chunkNeverFreed"));
        final String message = run.message("OffHeapFixture#chunkNeverFreed");
        assertTrue(message.contains("in 'shm': LIVE at the end of the test"), message);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void twoClassesInParallelRunTogetherAndKeepTheirObjectsApart(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        // Both passed their rendezvous: they ran at the same time, on two threads.
        assertNotEquals(run.threads.get("left"), run.threads.get("right"), run.raw);
        assertEquals("SUCCESSFUL", run.status("ParallelRightFixture#pushesInStep"),
            () -> run.message("ParallelRightFixture#pushesInStep"));
        assertEquals("FAILED", run.status("ParallelLeftFixture#pushesInStep"));
        final String left = run.message("ParallelLeftFixture#pushesInStep");
        assertFalse(left.contains("never came"), left);
        assertTrue(left.contains("0x10000003 in 'fixture connections': REFCOUNT_BELOW_ZERO"), left);
        assertTrue(left.contains("0x10000005 in 'fixture connections': LIVE"), left);
        assertTrue(left.contains("1 object has a refcount anomaly and 1 object is still live"), left);
        assertFalse(left.contains("0x2000000"), left); // not even the right one's live object
    }

    @ParameterizedTest
    @MethodSource("versions")
    void anObjectAHelperThreadPushedWhileTwoTestsRanFailsBothSayingWhy(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        for (final String test : List.of("AmbiguousHelperFixture#helperThreadLeaksWhileAnotherTestRuns",
            "AmbiguousBystanderFixture#runsMeanwhile"))
        {
            assertEquals("FAILED", run.status(test), () -> test + ": " + run.message(test));
            final String message = run.message(test);
            assertTrue(message.contains("0xa3b1 in 'fixture buffers': pushed by thread " +
                "'ambiguous-helper', which runs " +
                "no test, while "), message);
            assertTrue(message.contains("it cannot be told whose it is"), message);
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void anAddressPushedAgainWhileLiveFailsAsShdumpFlagsIt(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("PlantedFixture#addressHandedOutTwice"));
        final String message = run.message("PlantedFixture#addressHandedOutTwice");
        assertTrue(message.contains("0x7a1ce in 'fixture buffers': PUSHED_WHILE_LIVE"), message);
        assertTrue(message.contains("1 object has a refcount anomaly"), message); // the first one is sound
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aTestThatPushedMoreThanTheWindowKeepsFailsSayingSo(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals("FAILED", run.status("PlantedFixture#moreObjectsThanTheWindowKeeps"));
        final String message = run.message("PlantedFixture#moreObjectsThanTheWindowKeeps");
        assertTrue(message.contains("cannot audit: list 'fixture small window' keeps its last 4 objects, but 6 were " +
            "pushed while this test ran (by it or by tests beside it): the first 2 left the window"), message);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void ranOnThatJunitAndThisJdkAndKeptTheFileForTheFailures(final String version)
    {
        final FixtureRuns.Output run = fixtures(version);
        assertEquals(version, run.junitVersion);
        assertEquals(Runtime.version().feature(), run.javaFeature);
        assertTrue(Files.isRegularFile(run.file), run.file + " was not kept");
    }

    @Test
    void theHistoryInTheMessageIsWhatShdumpPrintsForThatObject()
    {
        final FixtureRuns.Output run = fixtures(versions().get(0));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Shdump.run(new PrintWriter(out), new PrintWriter(err), "--obj", "0xd0b1e", "--file",
            run.file.toString(), "--no-color");
        assertEquals(0, code, err::toString);
        final String shdump = out.toString().strip();
        assertTrue(shdump.lines().count() > 5, shdump);
        assertTrue(run.message("PlantedFixture#doubleUnref").contains(shdump),
            () -> "shdump printed:\n" + shdump + "\nthe message holds:\n" + run.message("PlantedFixture#doubleUnref"));
    }

    @Test
    void theFileIsDeletedWhenEveryTestPassed()
    {
        final FixtureRuns.Output run = FixtureRuns.run(versions().get(0), List.of(), "sequential:CleanFixture");
        assertEquals("SUCCESSFUL", run.status("CleanFixture#everyObjectReleased"));
        assertFalse(Files.exists(run.file), run.file + " is still there");
        assertFalse(Files.exists(run.file.getParent()), run.file.getParent() + " is still there");
    }

    @Test
    void switchedOffTheExtensionFailsWithOneSentence()
    {
        final String newest = versions().get(versions().size() - 1);
        final FixtureRuns.Output run =
            FixtureRuns.run(newest, List.of("-Dstructhist=false"), "sequential:SwitchFixture");
        assertEquals("FAILED", run.status("SwitchFixture#anything"));
        final String message = run.message("SwitchFixture#anything");
        assertTrue(message.startsWith("java.lang.AssertionError: struct history is off in this " +
            "JVM (-Dstructhist=false)"),
            message);
        assertEquals(1, message.lines().count(), message);
    }
}
