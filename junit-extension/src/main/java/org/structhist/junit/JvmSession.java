package org.structhist.junit;

import org.structhist.HistoryFile;
import org.structhist.StructHistory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What the extension keeps for the whole JVM: one history file per JVM (the library's default file, so
 * code under test that opens it, and lists it keeps in static fields, are covered unchanged), whether a
 * test failed (the file is then kept for shdump), and the test windows that tell each test's objects
 * apart ({@link TestWindows}).
 * <p>
 * {@link #begin()} must run before anything loads {@link StructHistory}: its switch is a static final read
 * once. It only touches system properties and the file system, and refers to the library's property names
 * through compile-time constants, which load no class.
 */
final class JvmSession
{
    /** Where the fresh file's directory goes: this property, else /dev/shm when writable, else java.io.tmpdir. */
    static final String DIRECTORY_PROPERTY = "structhist.junit.dir";

    private static final Object LOCK = new Object();
    private static boolean begun;
    private static Path ownedDirectory;
    private static Path ownedFile;
    private static String problem;
    private static volatile boolean failed;
    private static volatile Path file;

    static final TestWindows WINDOWS = new TestWindows();

    private JvmSession()
    {
    }

    /**
     * Switches struct history on ({@code -Dstructhist=true}) unless the JVM was started with the property
     * set either way, and, unless {@code -Dstructhist.file} or {@code $STRUCTHIST_FILE} names a file, makes
     * a private directory (mode 0700) holding this JVM's fresh history file and names it as the default
     * file. The file and directory are deleted when the JVM exits unless a test failed. Once per JVM.
     */
    static void begin()
    {
        synchronized (LOCK)
        {
            if (begun)
            {
                return;
            }
            begun = true;
            if (System.getProperty(StructHistory.ENABLED_PROPERTY) == null)
            {
                System.setProperty(StructHistory.ENABLED_PROPERTY, "true");
            }
            if (isBlank(System.getProperty(HistoryFile.FILE_PROPERTY)) && isBlank(System.getenv(HistoryFile.FILE_ENV)))
            {
                try
                {
                    // createTempDirectory makes it rwx------ on POSIX: nobody else can plant the file.
                    ownedDirectory = Files.createTempDirectory(baseDirectory(), "structhist-junit-");
                    ownedFile = ownedDirectory.resolve("jvm-" + ProcessHandle.current().pid() + ".hist");
                    System.setProperty(HistoryFile.FILE_PROPERTY, ownedFile.toString());
                    Runtime.getRuntime().addShutdownHook(new Thread(JvmSession::deleteUnlessFailed,
                        "structhist-junit-cleanup"));
                }
                catch (final IOException | RuntimeException ex)
                {
                    problem = "struct-history-junit could not make a directory for this JVM's history file in " +
                        baseDirectory() + " (" + ex + "): set -D" + DIRECTORY_PROPERTY + " or -D" +
                        HistoryFile.FILE_PROPERTY + " to a writable place";
                }
            }
        }
    }

    private static Path baseDirectory()
    {
        final String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (!isBlank(configured))
        {
            return Paths.get(configured);
        }
        final Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Why the extension cannot audit in this JVM, in one sentence, or null: the switch is off, the file
     * could not be made, or the default file changed since the first test (its objects would be split).
     * Opens the default file (creating it) on the first call that finds nothing wrong.
     */
    static String problem()
    {
        begin();
        synchronized (LOCK)
        {
            if (problem != null)
            {
                return problem;
            }
        }
        if (!StructHistory.ENABLED)
        {
            return "struct history is off in this JVM (" + (System.getProperty(StructHistory.ENABLED_PROPERTY) == null ?
                "-Dstructhist is not set" : "-Dstructhist=" + System.getProperty(StructHistory.ENABLED_PROPERTY)) +
                (Boolean.getBoolean(StructHistory.ENABLED_PROPERTY) ? ", but StructHistory was loaded before " +
                "struct-history-junit's session listener set it" : "") + "), so no history is recorded: run the " +
                "tests with -Dstructhist=true in the test JVM's argLine, or leave it unset and let " +
                "struct-history-junit switch it on";
        }
        final Path opened = HistoryFile.openDefault().path();
        synchronized (LOCK)
        {
            if (file == null)
            {
                file = opened;
            }
            else if (!file.equals(opened))
            {
                return "the default history file changed from " + file + " to " + opened + " while tests ran " +
                    "(-Dstructhist.file was set again): objects in the first one can no longer be audited, so " +
                    "set it once, before the tests start";
            }
        }
        return null;
    }

    /** The history file every test of this JVM records into; null before {@link #problem()} found none. */
    static Path file()
    {
        return file;
    }

    /** Keeps the file when the JVM exits: a test failed and its message names the file. */
    static void markFailed()
    {
        failed = true;
    }

    private static void deleteUnlessFailed()
    {
        if (failed)
        {
            return;
        }
        try
        {
            Files.deleteIfExists(ownedFile);
            Files.deleteIfExists(ownedDirectory);
        }
        catch (final IOException ex)
        {
            // Exiting: a file left behind in a private temporary directory is all this costs.
        }
    }

    private static boolean isBlank(final String value)
    {
        return value == null || value.isBlank();
    }
}
