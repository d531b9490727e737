package org.structhist;

import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.LayoutRequest;
import org.structhist.format.ListDescriptor;
import org.structhist.format.VerbTableDescriptor;
import org.structhist.io.FileAccess;

import java.util.Locale;

/**
 * How a history file is created. Used only by the process that creates the file: one that attaches
 * takes the layout the file already has. Immutable; each method returns a copy.
 * <p>
 * {@link #defaults()} reads {@code -Dstructhist.file.size} (bytes, or with a k/m/g suffix).
 */
public final class FileOptions
{
    /** System property: the size of a file created with {@link #defaults()}. */
    public static final String SIZE_PROPERTY = "structhist.file.size";

    private static final long DEFAULT_SIZE = 128L * 1024 * 1024;
    /** String data sized from the file: an eighth of it, from 64 KiB up to 1 MiB. */
    private static final int AUTO = 0;

    private final long sizeBytes;
    private final int maxLists;
    private final int maxWriters;
    private final int maxThreads;
    private final int maxVerbs;
    private final int stringIndexCapacity;
    private final int stringDataBytes;
    private final long coarseClockResolutionNanos;
    private final long attachTimeoutMillis;
    private final FileAccess access;

    private FileOptions(
        final long sizeBytes,
        final int maxLists,
        final int maxWriters,
        final int maxThreads,
        final int maxVerbs,
        final int stringIndexCapacity,
        final int stringDataBytes,
        final long coarseClockResolutionNanos,
        final long attachTimeoutMillis,
        final FileAccess access)
    {
        this.sizeBytes = sizeBytes;
        this.maxLists = maxLists;
        this.maxWriters = maxWriters;
        this.maxThreads = maxThreads;
        this.maxVerbs = maxVerbs;
        this.stringIndexCapacity = stringIndexCapacity;
        this.stringDataBytes = stringDataBytes;
        this.coarseClockResolutionNanos = coarseClockResolutionNanos;
        this.attachTimeoutMillis = attachTimeoutMillis;
        this.access = access;
    }

    /**
     * 128 MiB (or {@code -Dstructhist.file.size}), 64 lists, 256 writers, 4096 threads, 1024 verbs,
     * and an eighth of the file (64 KiB to 1 MiB) for strings.
     */
    public static FileOptions defaults()
    {
        final String size = System.getProperty(SIZE_PROPERTY);
        return new FileOptions(size == null ? DEFAULT_SIZE : parseSize(size, SIZE_PROPERTY),
            64, 256, 4096, 1024, 16384, AUTO, 1_000_000L, 10_000L, FileAccess.OWNER_ONLY);
    }

    /** Total file size, fully allocated at creation. */
    public FileOptions sizeBytes(final long bytes)
    {
        if (bytes < 64 * 1024 || bytes > FileHeaderDescriptor.MAX_FILE_LENGTH)
        {
            throw new IllegalArgumentException(
                "file size must be 64 KiB.." + FileHeaderDescriptor.MAX_FILE_LENGTH + " bytes, not " + bytes);
        }
        return new FileOptions(bytes, maxLists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    public FileOptions maxLists(final int lists)
    {
        requireRange("maxLists", lists, 1, ListDescriptor.MAX_LISTS);
        return new FileOptions(sizeBytes, lists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    public FileOptions maxWriters(final int writers)
    {
        requireRange("maxWriters", writers, 1, org.structhist.format.FileLayout.MAX_WRITERS);
        return new FileOptions(sizeBytes, maxLists, writers, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    public FileOptions maxThreads(final int threads)
    {
        requireRange("maxThreads", threads, 1, org.structhist.format.FileLayout.MAX_THREADS);
        return new FileOptions(sizeBytes, maxLists, maxWriters, threads, maxVerbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    public FileOptions maxVerbs(final int verbs)
    {
        requireRange("maxVerbs", verbs, 1, VerbTableDescriptor.MAX_VERBS);
        return new FileOptions(sizeBytes, maxLists, maxWriters, maxThreads, verbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    /** Slots of the string index: a power of two; keep it well above the number of distinct strings. */
    public FileOptions stringIndexCapacity(final int slots)
    {
        requireRange("stringIndexCapacity", slots, 16, 1 << 24);
        if (Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("stringIndexCapacity must be a power of two, not " + slots);
        }
        return new FileOptions(sizeBytes, maxLists, maxWriters, maxThreads, maxVerbs, slots,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    public FileOptions stringDataBytes(final int bytes)
    {
        requireRange("stringDataBytes", bytes, 4096, 1 << 30);
        return new FileOptions(sizeBytes, maxLists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            bytes, coarseClockResolutionNanos, attachTimeoutMillis, access);
    }

    /** How often the coarse clock ticks (lists with {@link ClockMode#COARSE}); 10 µs to 1 s. */
    public FileOptions coarseClockResolutionNanos(final long nanos)
    {
        if (nanos < 10_000 || nanos > 1_000_000_000)
        {
            throw new IllegalArgumentException("coarse clock resolution must be 10000..1000000000 ns, not " + nanos);
        }
        return new FileOptions(sizeBytes, maxLists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes, nanos, attachTimeoutMillis, access);
    }

    /** How long to wait for another process to finish creating the file. */
    public FileOptions attachTimeoutMillis(final long millis)
    {
        if (millis < 0)
        {
            throw new IllegalArgumentException("attach timeout must not be negative: " + millis);
        }
        return new FileOptions(sizeBytes, maxLists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, millis, access);
    }

    /**
     * Who may open the file: {@link FileAccess#OWNER_ONLY} (the default) or {@link FileAccess#GROUP}, for
     * processes of several users of one group. The creator makes the file with it; an attacher refuses a
     * file (and a directory) that is more open than it asked for.
     */
    public FileOptions access(final FileAccess fileAccess)
    {
        java.util.Objects.requireNonNull(fileAccess, "fileAccess");
        return new FileOptions(sizeBytes, maxLists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes, coarseClockResolutionNanos, attachTimeoutMillis, fileAccess);
    }

    public FileAccess access()
    {
        return access;
    }

    public long sizeBytes()
    {
        return sizeBytes;
    }

    public int maxLists()
    {
        return maxLists;
    }

    public int maxWriters()
    {
        return maxWriters;
    }

    public int maxThreads()
    {
        return maxThreads;
    }

    public int maxVerbs()
    {
        return maxVerbs;
    }

    public int stringIndexCapacity()
    {
        return stringIndexCapacity;
    }

    /** Bytes for interned strings: as set, or an eighth of the file from 64 KiB up to 1 MiB. */
    public int stringDataBytes()
    {
        if (stringDataBytes != AUTO)
        {
            return stringDataBytes;
        }
        return (int)Math.max(64 * 1024, Math.min(1024 * 1024, (sizeBytes / 8) & ~7L));
    }

    /** The sizes and counts a new file's layout is planned from, as the format layer takes them. */
    public LayoutRequest layoutRequest()
    {
        return new LayoutRequest(sizeBytes, maxLists, maxWriters, maxThreads, maxVerbs, stringIndexCapacity,
            stringDataBytes());
    }

    public long coarseClockResolutionNanos()
    {
        return coarseClockResolutionNanos;
    }

    public long attachTimeoutMillis()
    {
        return attachTimeoutMillis;
    }

    /** Parses "1048576", "64k", "128m" or "1g" (binary units). */
    public static long parseSize(final String text, final String what)
    {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = s;
        if (!s.isEmpty())
        {
            switch (s.charAt(s.length() - 1))
            {
                case 'k': unit = 1024L; break;
                case 'm': unit = 1024L * 1024; break;
                case 'g': unit = 1024L * 1024 * 1024; break;
                default: break;
            }
            if (unit != 1)
            {
                digits = s.substring(0, s.length() - 1);
            }
        }
        try
        {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new IllegalArgumentException(what +
                " must be a size such as 134217728, 128m or 1g, not '" + text + "'");
        }
    }

    private static void requireRange(final String name, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", not " + value);
        }
    }
}
