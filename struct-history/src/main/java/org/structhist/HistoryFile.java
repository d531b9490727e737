package org.structhist;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.FileLayout;
import org.structhist.internal.LengthWatch;
import org.structhist.internal.ListDirectory;
import org.structhist.internal.LocalIdCache;
import org.structhist.internal.MappedFile;
import org.structhist.internal.StringInterner;
import org.structhist.internal.ThreadRegistry;
import org.structhist.internal.Ticker;
import org.structhist.internal.VerbRegistry;
import org.structhist.internal.WriterRegistry;
import org.structhist.io.WallClock;

import java.nio.file.Path;
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
    private final LengthWatch lengthWatch;
    private final ListDirectory directory;
    private final LocalIdCache formatIds = new LocalIdCache();
    private final ConcurrentHashMap<String, HistoryList> lists = new ConcurrentHashMap<>();
    private final Path key;
    private volatile boolean closed;
    /** Set once the file shrank under this process: from then on nothing here touches the mapping. */
    private volatile boolean detached;

    private HistoryFile()
    {
        mapped = null;
        buffer = null;
        strings = null;
        verbs = null;
        threads = null;
        writer = null;
        ticker = null;
        lengthWatch = null;
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
        final long clockBaseWallNanos = WallClock.preciseNanos();
        final long clockBaseMonotonicNanos = System.nanoTime();
        this.writer = WriterRegistry.register(buffer, layout, clockBaseWallNanos, clockBaseMonotonicNanos,
            options.coarseClockResolutionNanos());
        this.directory = new ListDirectory(buffer, layout, strings, mapped.path.toString());
        this.lengthWatch = LengthWatch.open(mapped.path, layout.fileLength);
        this.ticker = new Ticker(writer, options.coarseClockResolutionNanos(), mapped.path.getFileName().toString(),
            lengthWatch, this::detachTruncated);
    }

    /**
     * The default file: {@code -Dstructhist.file}, else {@code $STRUCTHIST_FILE}, else {@code default.hist}
     * in a private per-user directory (see {@link DefaultLocation}).
     */
    public static Path defaultPath()
    {
        return DefaultLocation.file();
    }

    /**
     * Opens {@link #defaultPath()} with {@link FileOptions#defaults()}, first making the private per-user
     * directory (mode 0700) when the default file is in it.
     */
    public static HistoryFile openDefault()
    {
        if (!StructHistory.ENABLED)
        {
            return DISABLED;
        }
        final Path path = defaultPath();
        DefaultLocation.prepare(path);
        return open(path, FileOptions.defaults());
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
            final HistoryFile file = new HistoryFile(key, MappedFile.createOrAttach(key, options.layoutRequest(),
                options.access(), options.attachTimeoutMillis()), options);
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
        if (detached)
        {
            throw new StructHistoryException("history file " + mapped.path + " was truncated under this process, " +
                "which has stopped writing to it: keep history files in a directory only their owner can write");
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
                WallClock.preciseNanos());
            final ListOptions stored = ListOptions.fromStored(
                entry.window, entry.eventsPerObject, entry.pinnedFirst, entry.entrySize, entry.flags);
            requireSameOptions(name, stored, options);
            if (stored.clock() == ClockMode.COARSE)
            {
                ticker.useCoarseClock();
            }
            final HistoryList list = new HistoryList(this, name, entry, stored, ticker.coarseClock());
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
        if (!detached)
        {
            writer.detach();
        }
    }

    /**
     * Whether this process stopped writing to the file because the file became shorter than its layout
     * (truncated by someone who can write it): pushes and events are then counted in
     * {@link HistoryList#writesRefused()} instead of written. See docs/DESIGN.md.
     */
    public boolean isDetached()
    {
        return detached;
    }

    private void detachTruncated()
    {
        detached = true;
    }

    /**
     * Called with the InternalError the JVM raises for a fault in a mapped access (SIGBUS on a page past
     * the file's end): if the file did shrink, detaches, and the caller counts its write refused; any
     * other InternalError is not ours to swallow and is thrown again.
     */
    void survive(final InternalError fault)
    {
        if (!lengthWatch.shrank())
        {
            throw fault;
        }
        detached = true;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    MappedFile mapped()
    {
        return mapped;
    }

    /** The per-process cache of verb ids, which {@link #verbId} looks in first. */
    LocalIdCache verbIdCache()
    {
        return verbs.cache();
    }

    /** The per-process cache of format ids, which {@link #stringId} looks in first. */
    LocalIdCache formatIdCache()
    {
        return formatIds;
    }

    int verbId(final Verb verb)
    {
        return verbs.id(verb);
    }

    int stringId(final String value)
    {
        final int cached = formatIds.get(value);
        return cached != LocalIdCache.MISSING ? cached : internAndCache(value);
    }

    /** A format's first use in this process, out of {@link #stringId}'s line so that it inlines into {@code log}. */
    private int internAndCache(final String value)
    {
        return formatIds.put(value, strings.intern(value));
    }

    int internUncached(final String value)
    {
        return strings.intern(value);
    }

    ThreadRegistry threads()
    {
        return threads;
    }
}
