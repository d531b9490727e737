package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.FileLayout;
import org.structhist.internal.ListDirectory;
import org.structhist.internal.LocalIdCache;
import org.structhist.internal.FileNameTokens;
import org.structhist.internal.MappedFile;
import org.structhist.internal.ProcessIdentity;
import org.structhist.internal.StringInterner;
import org.structhist.internal.ThreadRegistry;
import org.structhist.internal.Ticker;
import org.structhist.internal.VerbRegistry;
import org.structhist.internal.WriterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A history file: one memory-mapped file that holds many {@link HistoryList}s, shared by every
 * thread of this process and every process that opens the same path.
 * <pre>{@code
 * HistoryFile file = HistoryFile.openDefault();
 * HistoryList tcp = file.list("TCP con", ListOptions.window(10_000).eventsPerObject(64));
 * }</pre>
 * The first process to open a path creates the file (owner-only, fully allocated); the others attach.
 * Within one process, opening the same path again returns the same instance.
 * <p>
 * With {@link StructHistory#ENABLED} false every {@code open} returns a disabled file: no file is
 * created, its lists push no-op histories and nothing is allocated per call.
 */
public final class HistoryFile implements AutoCloseable
{
    /** System property naming the default file. */
    public static final String FILE_PROPERTY = "structhist.file";
    /** Environment variable naming the default file, when the property is not set. */
    public static final String FILE_ENV = "STRUCTHIST_FILE";

    private static final HistoryFile DISABLED = new HistoryFile();
    private static final ConcurrentHashMap<Path, HistoryFile> OPEN = new ConcurrentHashMap<>();

    private final MappedFile mapped;
    private final UnsafeBuffer buffer;
    private final StringInterner strings;
    private final VerbRegistry verbs;
    private final ThreadRegistry threads;
    private final WriterRegistry writer;
    private final Ticker ticker;
    private final ListDirectory directory;
    private final LocalIdCache formatIds = new LocalIdCache();
    private final ConcurrentHashMap<String, HistoryList> lists = new ConcurrentHashMap<>();
    private final Path key;
    private volatile boolean closed;

    private HistoryFile()
    {
        mapped = null;
        buffer = null;
        strings = null;
        verbs = null;
        threads = null;
        writer = null;
        ticker = null;
        directory = null;
        key = null;
    }

    private HistoryFile(final Path key, final MappedFile mapped, final FileOptions options)
    {
        this.key = key;
        this.mapped = mapped;
        this.buffer = mapped.buffer;
        final FileLayout layout = mapped.layout;
        this.strings = new StringInterner(buffer, layout);
        this.verbs = new VerbRegistry(buffer, layout, strings);
        this.threads = new ThreadRegistry(buffer, layout, strings);
        // This process's clock base: its own nanoTime against wall time, taken together.
        final long clockBaseWallNanos = MappedFile.wallNanos();
        final long clockBaseMonotonicNanos = System.nanoTime();
        this.writer = WriterRegistry.register(buffer, layout, clockBaseWallNanos, clockBaseMonotonicNanos,
            options.coarseClockResolutionNanos());
        this.directory = new ListDirectory(buffer, layout, strings, mapped.path.toString());
        this.ticker = new Ticker(writer, options.coarseClockResolutionNanos(), mapped.path.getFileName().toString());
    }

    /**
     * The default file: {@code -Dstructhist.file}, else {@code $STRUCTHIST_FILE} (either may hold {@code %p},
     * the pid, and {@code %t}, the process's start time, for a file per run: see {@link FileNameTokens}), else
     * {@code structhist-USER.hist} in /dev/shm where it exists, else in java.io.tmpdir.
     */
    public static Path defaultPath()
    {
        final String property = System.getProperty(FILE_PROPERTY);
        final String named = property != null && !property.isBlank() ? property : System.getenv(FILE_ENV);
        if (named != null && !named.isBlank())
        {
            return Paths.get(FileNameTokens.expand(named, ProcessIdentity.PID, ProcessIdentity.START_MILLIS));
        }
        final String fileName = "structhist-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_") +
            ".hist";
        final Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ?
            shm.resolve(fileName) : Paths.get(System.getProperty("java.io.tmpdir")).resolve(fileName);
    }

    /** Opens {@link #defaultPath()} with {@link FileOptions#defaults()}. */
    public static HistoryFile openDefault()
    {
        return StructHistory.ENABLED ? open(defaultPath(), FileOptions.defaults()) : DISABLED;
    }

    /** Opens or creates {@code path} with {@link FileOptions#defaults()}. */
    public static HistoryFile open(final Path path)
    {
        return StructHistory.ENABLED ? open(path, FileOptions.defaults()) : DISABLED;
    }

    /**
     * Opens {@code path}, creating it with {@code options} if it does not exist; an existing file keeps
     * its own layout.
     *
     * @throws StructHistoryException when the file cannot be created, allocated or attached, or the JVM
     *                                lacks the flag Agrona needs ({@link StructHistory#AGRONA_JVM_FLAG}).
     */
    public static HistoryFile open(final Path path, final FileOptions options)
    {
        if (!StructHistory.ENABLED)
        {
            return DISABLED;
        }
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        StructHistory.requireAgronaAccess();
        final Path key = path.toAbsolutePath().normalize();
        synchronized (OPEN)
        {
            final HistoryFile existing = OPEN.get(key);
            if (existing != null)
            {
                return existing;
            }
            final HistoryFile file = new HistoryFile(key, MappedFile.createOrAttach(key, options), options);
            OPEN.put(key, file);
            return file;
        }
    }

    /** The list {@code name} with {@link ListOptions#defaults()}. */
    public HistoryList list(final String name)
    {
        return list(name, ListOptions.defaults());
    }

    /**
     * The list {@code name}, created with {@code options} if this file has none by that name.
     *
     * @throws StructHistoryException if the list exists with other options (the message names both),
     *                                or there is no room for it.
     */
    public HistoryList list(final String name, final ListOptions options)
    {
        if (!StructHistory.ENABLED || mapped == null)
        {
            return HistoryList.DISABLED;
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("a list needs a name");
        }
        final HistoryList known = lists.get(name);
        if (known != null)
        {
            requireSameOptions(name, known.options(), options);
            return known;
        }
        synchronized (lists)
        {
            final HistoryList again = lists.get(name);
            if (again != null)
            {
                requireSameOptions(name, again.options(), options);
                return again;
            }
            final ListDirectory.Entry entry = directory.findOrCreate(name, options.window(),
                options.eventsPerObject(), options.pinnedFirst(), options.entrySize(), options.flags(),
                MappedFile.wallNanos());
            final ListOptions stored = ListOptions.fromStored(
                entry.window, entry.eventsPerObject, entry.pinnedFirst, entry.entrySize, entry.flags);
            requireSameOptions(name, stored, options);
            if (stored.clock() == ClockMode.COARSE)
            {
                ticker.useCoarseClock();
            }
            final HistoryList list = new HistoryList(this, name, entry, stored);
            lists.put(name, list);
            return list;
        }
    }

    private void requireSameOptions(final String name, final ListOptions existing, final ListOptions asked)
    {
        if (!existing.equals(asked))
        {
            throw new StructHistoryException("list '" + name + "' in " + mapped.path + " was created with " +
                existing + "; this process asked for " + asked + ": use the same options everywhere, or another " +
                "list name or file");
        }
    }

    /** Whether this file records anything: false when struct history is switched off. */
    public boolean isEnabled()
    {
        return mapped != null;
    }

    /** The file's path; null when disabled. */
    public Path path()
    {
        return mapped == null ? null : mapped.path;
    }

    /**
     * Detaches this process: marks it detached in the writer registry and stops the ticker. The mapping
     * stays valid (lists and histories still held keep working; it is released when they are
     * unreachable), so a late {@code log} from another thread can never touch unmapped memory.
     */
    @Override
    public void close()
    {
        if (mapped == null || closed)
        {
            return;
        }
        synchronized (OPEN)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            OPEN.remove(key, this);
        }
        ticker.close();
        writer.detach();
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    MappedFile mapped()
    {
        return mapped;
    }

    int verbId(final Verb verb)
    {
        return verbs.id(verb);
    }

    int stringId(final String value)
    {
        final int cached = formatIds.get(value);
        return cached != LocalIdCache.MISSING ? cached : formatIds.put(value, strings.intern(value));
    }

    int internUncached(final String value)
    {
        return strings.intern(value);
    }

    ThreadRegistry threads()
    {
        return threads;
    }

    long coarseNanoTime()
    {
        return ticker.coarseNanoTime();
    }
}
