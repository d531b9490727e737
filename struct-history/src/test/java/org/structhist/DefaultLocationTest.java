package org.structhist;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The default file is in a private per-user directory, made 0700 and checked, not at a predictable name in
 * a world-writable directory. Each test runs as a made-up user (user.name), so the real user's default
 * directory is never touched.
 */
class DefaultLocationTest
{
    @TempDir
    Path dir;

    private String userBefore;
    private String propertyBefore;
    private Path directory;

    @BeforeEach
    void actAsAnotherUser()
    {
        assumeTrue(System.getenv(HistoryFile.FILE_ENV) == null, "$STRUCTHIST_FILE would override the default");
        userBefore = System.getProperty("user.name");
        propertyBefore = System.getProperty(HistoryFile.FILE_PROPERTY);
        System.clearProperty(HistoryFile.FILE_PROPERTY);
        System.setProperty("user.name", "test-" + UUID.randomUUID());
        directory = DefaultLocation.directory();
    }

    @AfterEach
    void restore() throws IOException
    {
        if (userBefore == null)
        {
            return;
        }
        System.setProperty("user.name", userBefore);
        if (propertyBefore != null)
        {
            System.setProperty(HistoryFile.FILE_PROPERTY, propertyBefore);
        }
        if (Files.isSymbolicLink(directory) || !Files.exists(directory))
        {
            Files.deleteIfExists(directory);
            return;
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }

    @Test
    void theDefaultFileIsInAPrivateDirectoryMadeOwnerOnly() throws Exception
    {
        final Path file = DefaultLocation.file();
        assertEquals(directory.resolve(DefaultLocation.FILE_NAME), file);
        assertTrue(directory.getFileName().toString().startsWith("structhist-test-"), directory.toString());
        if (Files.isDirectory(Paths.get("/dev/shm")))
        {
            assertEquals(Paths.get("/dev/shm"), directory.getParent(), "in memory where there is /dev/shm");
        }
        assertFalse(Files.exists(directory), "resolving the path creates nothing (shdump resolves it too)");
        DefaultLocation.prepare(file);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        TestFiles.open(file, 1L << 20).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void thePropertyStillWins()
    {
        System.setProperty(HistoryFile.FILE_PROPERTY, dir.resolve("p.hist").toString());
        assertEquals(dir.resolve("p.hist"), HistoryFile.defaultPath());
        DefaultLocation.prepare(HistoryFile.defaultPath());
        assertFalse(Files.exists(directory), "no private directory made for a file elsewhere");
    }

    @Test
    void aDefaultDirectoryAnotherUserMadeFirstIsRefused() throws Exception
    {
        Files.createDirectory(directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SafeOpenTest.giveAway(directory);
        final StructHistoryException refused = assertThrows(StructHistoryException.class,
            () -> DefaultLocation.prepare(DefaultLocation.file()));
        SafeOpenTest.assertSentence(refused, directory.toString(), "uid " + SafeOpenTest.OTHER_UID,
            "-D" + HistoryFile.FILE_PROPERTY);
    }

    @Test
    void aDefaultDirectoryAnyoneMayWriteIsRefused() throws Exception
    {
        Files.createDirectory(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        final StructHistoryException refused = assertThrows(StructHistoryException.class,
            () -> DefaultLocation.prepare(DefaultLocation.file()));
        SafeOpenTest.assertSentence(refused, directory.toString(), "mode 0777");
    }

    @Test
    void aSymlinkInPlaceOfTheDefaultDirectoryIsRefused() throws Exception
    {
        final Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createSymbolicLink(directory, elsewhere);
        final StructHistoryException refused = assertThrows(StructHistoryException.class,
            () -> DefaultLocation.prepare(DefaultLocation.file()));
        SafeOpenTest.assertSentence(refused, directory.toString(), "symbolic link");
        assertTrue(Files.isSymbolicLink(directory) && Files.exists(directory, LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> inside = Files.list(elsewhere))
        {
            assertEquals(0, inside.count(), "nothing created through the link");
        }
    }
}
