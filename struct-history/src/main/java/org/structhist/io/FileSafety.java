package org.structhist.io;

import org.agrona.UnsafeApi;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;

/**
 * The checks that make a mapped file safe to write: another local user must not be able to plant the file
 * we attach to, swap it, or truncate it under us. In order:
 * <ol>
 *     <li>the directory: not a symlink, a directory, ours, writable by nobody else (with
 *     {@link FileAccess#GROUP}: by the group, never by others). Checking the file by path alone would race
 *     in a directory others can write: they could swap it between the check and the open;</li>
 *     <li>the file, before opening: not a symlink, a regular file (so a FIFO never blocks the open), ours,
 *     writable by nobody else;</li>
 *     <li>the file opened with {@code O_NOFOLLOW}, then checked again through its open descriptor
 *     ({@code /proc/self/fd/N}, an {@code fstat}): the very file we hold must be the one we checked.</li>
 * </ol>
 * A refusal is an {@link UnsafeFileException} whose message is one sentence naming the path, its owner and
 * mode, and what to do. On a filesystem without POSIX attributes nothing can be checked and nothing is.
 */
public final class FileSafety
{
    private static final int TYPE_MASK = 0170000;
    private static final int REGULAR = 0100000;
    private static final int DIRECTORY = 0040000;
    private static final int SYMLINK = 0120000;
    private static final int FIFO = 0010000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int SOCKET = 0140000;
    private static final int GROUP_WRITE = 0020;
    private static final int OTHER_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int PERMISSION_MASK = 07777;

    private static final boolean CHECKABLE = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final Path OWN_DESCRIPTORS = Paths.get("/proc/self/fd");

    private FileSafety()
    {
    }

    /** What {@code lstat} or {@code fstat} says of one file. */
    public static final class Status
    {
        final Object fileKey;
        final int mode;
        final int uid;
        final int gid;
        final String owner;

        private Status(final Map<String, Object> attributes)
        {
            fileKey = attributes.get("fileKey");
            mode = (Integer)attributes.get("mode");
            uid = (Integer)attributes.get("uid");
            gid = (Integer)attributes.get("gid");
            owner = String.valueOf(attributes.get("owner"));
        }

        /** "uid 65534 (nobody), mode 0666": who owns the file and its permission bits, for a sentence. */
        public String describe()
        {
            final String name = owner.equals(Integer.toString(uid)) ? "" : " (" + owner + ")";
            final String octal = Integer.toOctalString(mode & PERMISSION_MASK);
            return "owner uid " + uid + name + ", mode " + "0000".substring(Math.min(4, octal.length())) + octal;
        }

        /** The kind of file, as a noun: "a regular file", "a FIFO", "a directory"... */
        public String kind()
        {
            switch (mode & TYPE_MASK)
            {
                case REGULAR: return "a regular file";
                case DIRECTORY: return "a directory";
                case SYMLINK: return "a symbolic link";
                case FIFO: return "a FIFO (named pipe)";
                case CHARACTER_DEVICE: return "a character device";
                case BLOCK_DEVICE: return "a block device";
                case SOCKET: return "a socket";
                default: return "not a regular file";
            }
        }

        public boolean isRegularFile()
        {
            return (mode & TYPE_MASK) == REGULAR;
        }
    }

    /** The attributes of {@code path} itself, a symlink not followed (lstat); null where none can be read. */
    public static Status statNoFollow(final Path path) throws IOException
    {
        return CHECKABLE ? new Status(Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS)) : null;
    }

    /**
     * Requires {@code directory} to be a real directory (not a symlink), owned by this user and writable by
     * nobody else; with {@link FileAccess#GROUP}, owned by this user or a group of ours, and not writable by
     * others. {@code what} names the file that goes in it ("history file /dev/shm/a.hist").
     */
    public static void checkDirectory(final Path directory, final FileAccess access, final String what)
        throws IOException
    {
        final Status status;
        try
        {
            status = statNoFollow(directory);
        }
        catch (final NoSuchFileException ex)
        {
            throw new UnsafeFileException("cannot create " + what + ": directory " + directory + " does not exist");
        }
        if (status == null)
        {
            return;
        }
        if ((status.mode & TYPE_MASK) == SYMLINK)
        {
            throw new UnsafeFileException("cannot open " + what + ": its directory " + directory + " is a symbolic " +
                "link, which whoever can change it could point elsewhere; give the path through the real directory");
        }
        if ((status.mode & TYPE_MASK) != DIRECTORY)
        {
            throw new UnsafeFileException("cannot open " + what + ": " + directory + " is " + status.kind() +
                ", not a directory");
        }
        checkAncestors(directory, what);
        if (!trusted(status, access))
        {
            throw new UnsafeFileException("cannot open " + what + ": its directory " + directory + " (" +
                status.describe() + ") " + whyNotTrusted(status, access) + ", so another user could plant or swap " +
                "the file there; use a directory only you can write (mkdir -m 700 DIR)" +
                (access == FileAccess.OWNER_ONLY ? ", or FileAccess.GROUP to share one with your group" : ""));
        }
    }

    /**
     * Every directory above {@code directory}: one that anybody may write without the sticky bit lets
     * anybody rename our directory away and put theirs in its place (/tmp and /dev/shm are sticky: only an
     * entry's owner may rename it). Links are followed here: each level is judged as the OS resolves it.
     */
    private static void checkAncestors(final Path directory, final String what) throws IOException
    {
        for (Path ancestor = directory.toAbsolutePath().getParent(); ancestor != null; ancestor = ancestor.getParent())
        {
            final Status status = new Status(Files.readAttributes(ancestor, "unix:*"));
            if ((status.mode & OTHER_WRITE) != 0 && (status.mode & STICKY) == 0)
            {
                throw new UnsafeFileException("cannot open " + what + ": " + ancestor + " above its directory (" +
                    status.describe() + ") is writable by every user without the sticky bit, so another user " +
                    "could move the directory away and put theirs in its place; chmod o-w or +t it, or choose " +
                    "another directory");
            }
        }
    }

    /**
     * Opens the existing file {@code path} with {@code options}, after checking it is safe to map and write
     * ({@link #checkDirectory} first, by the caller), and checks the open descriptor again.
     *
     * @throws UnsafeFileException    if the file is a symlink, not a regular file, not ours, writable by
     *                                others, or was swapped while it was opened.
     * @throws NoSuchFileException    if it does not exist.
     */
    public static FileChannel openExisting(
        final Path path, final FileAccess access, final String what, final OpenOption... options) throws IOException
    {
        final Status before = statNoFollow(path);
        if (before != null)
        {
            requireSafeFile(before, path, access, what);
        }
        final OpenOption[] noFollow = new OpenOption[options.length + 1]; // not copyOf: options may be a subtype array
        System.arraycopy(options, 0, noFollow, 0, options.length);
        noFollow[options.length] = LinkOption.NOFOLLOW_LINKS;
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(path, noFollow);
        }
        catch (final NoSuchFileException ex)
        {
            throw ex;
        }
        catch (final FileSystemException ex)
        {
            // ELOOP: the name became a symlink between the check and the open.
            if (Files.isSymbolicLink(path))
            {
                throw new UnsafeFileException(what + " " + path + " became a symbolic link while it was opened; " +
                    "another user can write its directory: choose a directory only you can write");
            }
            throw ex;
        }
        if (before == null)
        {
            return channel;
        }
        try
        {
            final Status opened = statOpen(channel, path);
            if (!opened.fileKey.equals(before.fileKey))
            {
                throw new UnsafeFileException(what + " " + path + " was replaced by another file while it was " +
                    "opened, so another process can write its directory: choose a directory only you can write");
            }
            requireSafeFile(opened, path, access, what);
            return channel;
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /**
     * For readers, which may read any file they are allowed to: requires {@code path} (links followed) to be a
     * regular file, so that opening a FIFO never blocks and a device is never read.
     */
    public static void requireRegularFile(final Path path, final String what) throws IOException
    {
        if (!CHECKABLE)
        {
            return;
        }
        final Status status = new Status(Files.readAttributes(path, "unix:*"));
        if (!status.isRegularFile())
        {
            throw new UnsafeFileException(path + " is " + status.kind() + ", not a " + what +
                "; give the path of a " + what);
        }
    }

    /** The attributes of the file {@code channel} holds open (fstat), whatever its name points to now. */
    static Status statOpen(final FileChannel channel, final Path path) throws IOException
    {
        final Path descriptor = descriptorPath(channel);
        // Without /proc (not Linux): the name again, which catches a swap unless it is swapped back in time.
        return new Status(descriptor != null ?
            Files.readAttributes(descriptor, "unix:*") : Files.readAttributes(path, "unix:*",
            LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * {@code /proc/self/fd/N} for the descriptor {@code channel} holds, or null. The JDK has no public way to
     * fstat a channel; its descriptor is read through Agrona's Unsafe (which the library needs anyway), and
     * anything unexpected (another JDK's fields, no /proc) falls back to the path.
     */
    private static Path descriptorPath(final FileChannel channel)
    {
        try
        {
            final Object fd = UnsafeApi.getReference(channel, UnsafeApi.objectFieldOffset(channel.getClass(), "fd"));
            if (!(fd instanceof FileDescriptor) || !((FileDescriptor)fd).valid())
            {
                return null;
            }
            final int number = UnsafeApi.getInt(fd, UnsafeApi.objectFieldOffset(FileDescriptor.class, "fd"));
            final Path path = OWN_DESCRIPTORS.resolve(Integer.toString(number));
            return number >= 0 && Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? path : null;
        }
        catch (final RuntimeException | InternalError ex)
        {
            return null;
        }
    }

    private static void requireSafeFile(final Status status, final Path path,
        final FileAccess access, final String what)
        throws UnsafeFileException
    {
        if ((status.mode & TYPE_MASK) == SYMLINK)
        {
            throw new UnsafeFileException(what + " " + path + " is a symbolic link; structhist does not follow a " +
                "link to a file it writes: give the real path, or delete the link if you did not make it");
        }
        if (!status.isRegularFile())
        {
            throw new UnsafeFileException(what + " " + path + " is " + status.kind() + " (" + status.describe() +
                "), not a regular file: give the path of a " + what.replace(" file", "") + " file, or delete it");
        }
        if (!trusted(status, access))
        {
            throw new UnsafeFileException(what + " " + path + " (" + status.describe() + ") " +
                whyNotTrusted(status, access) + ", so another user may have planted it or may change or truncate " +
                "it: delete it if you did not make it (its owner or root can), or " +
                (access == FileAccess.OWNER_ONLY && (status.mode & OTHER_WRITE) == 0 &&
                (status.mode & GROUP_WRITE) != 0 ?
                "open it with FileAccess.GROUP if it is shared with your group on purpose" :
                "choose a path in a directory only you can write"));
        }
    }

    private static boolean trusted(final Status status, final FileAccess access)
    {
        if ((status.mode & OTHER_WRITE) != 0)
        {
            return false;
        }
        final int uid = Identity.UID;
        if (access == FileAccess.OWNER_ONLY)
        {
            return status.uid == uid && (status.mode & GROUP_WRITE) == 0;
        }
        return status.uid == uid || isOurGroup(status.gid);
    }

    private static String whyNotTrusted(final Status status, final FileAccess access)
    {
        if ((status.mode & OTHER_WRITE) != 0)
        {
            return "is writable by every user";
        }
        if (access == FileAccess.OWNER_ONLY && status.uid == Identity.UID)
        {
            return "is writable by its group";
        }
        return access == FileAccess.OWNER_ONLY ?
            "does not belong to you (uid " + Identity.UID + ")" :
            "belongs neither to you (uid " + Identity.UID + ") nor to a group of yours";
    }

    private static boolean isOurGroup(final int gid)
    {
        for (final long group : Identity.GROUPS)
        {
            if (group == gid)
            {
                return true;
            }
        }
        return false;
    }

    /** The uid files created now get as owner, the same as {@code getuid()} unless set-uid. */
    public static int currentUid()
    {
        return Identity.UID;
    }

    /** Who this process is, read once: only when a check first needs it. */
    private static final class Identity
    {
        static final int UID;
        static final long[] GROUPS;

        static
        {
            int uid = -1;
            long[] groups = new long[0];
            try
            {
                final com.sun.security.auth.module.UnixSystem system = new com.sun.security.auth.module.UnixSystem();
                uid = (int)system.getUid();
                final long[] supplementary = system.getGroups();
                groups = Arrays.copyOf(supplementary == null ? new long[0] : supplementary,
                    supplementary == null ? 1 : supplementary.length + 1);
                groups[groups.length - 1] = system.getGid();
            }
            catch (final RuntimeException | LinkageError ex)
            {
                // No UnixSystem on this platform: uid -1 owns nothing, so every owned check refuses, loudly.
            }
            UID = uid;
            GROUPS = groups;
        }
    }
}
