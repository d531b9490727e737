package org.structhist.internal;

/**
 * A process-local cache from a key (a format string, a verb) to its id in the file, read on every
 * {@code log} without a lock and without allocating.
 * <p>
 * Bounded, so that any number of distinct keys costs constant time and memory per call: a fixed
 * array of {@link #CAPACITY} immutable entries in buckets of {@link #WAYS} (a bucket's first way holds
 * its newest key; an insert shifts the others down and the oldest drops out). A key pushed out is
 * looked up in the file again the next time it is used. There is no lock: entries are immutable (final
 * fields, so a racing reader sees either the whole entry or none) and a lost race loses a cache entry,
 * never an id, as every insert of a key caches the same id (the file's table gives one id per content).
 * Four ways keep a working set of a few thousand keys from pushing each other out: 1,000 keys cycled
 * stay cached. Lookups compare the key's hash, then identity (format strings are usually literals),
 * then content.
 */
public final class LocalIdCache
{
    public static final int MISSING = -1;

    /** Entries kept: at most this many keys are held (and kept reachable) per cache. */
    public static final int CAPACITY = 8192;

    /** Entries per bucket. */
    public static final int WAYS = 4;

    private static final int BUCKET_MASK = CAPACITY / WAYS - 1;

    private static final class Entry
    {
        final Object key;
        final int hash;
        final int id;

        Entry(final Object key, final int hash, final int id)
        {
            this.key = key;
            this.hash = hash;
            this.id = id;
        }
    }

    private final Entry[] entries = new Entry[CAPACITY];

    /**
     * The id cached for {@code key}, or {@link #MISSING}. The first way is probed inline, by identity (formats
     * are literals, verbs enum constants, and the first way holds its bucket's newest key); the other ways and
     * equal but distinct keys are {@link #getFromOtherWays}'s. Kept this small so that its compiled code stays
     * small: HotSpot does not inline a method already compiled into a big one (InlineSmallCode), and a call per
     * lookup on every event was measured (benchmarks/RESULTS.md, issue 13).
     */
    public int get(final Object key)
    {
        final int hash = key.hashCode();
        final int first = bucket(hash);
        final Entry entry = entries[first];
        if (entry != null && entry.key == key)
        {
            return entry.id;
        }
        return entry == null ? MISSING : getFromOtherWays(key, hash, first);
    }

    private int getFromOtherWays(final Object key, final int hash, final int first)
    {
        for (int way = first; way < first + WAYS; way++)
        {
            final Entry entry = entries[way];
            if (entry == null)
            {
                return MISSING;
            }
            if (entry.hash == hash && (entry.key == key || entry.key.equals(key)))
            {
                return entry.id;
            }
        }
        return MISSING;
    }

    /**
     * Caches {@code id} for {@code key} as its bucket's newest, dropping the bucket's oldest key if it is
     * full; returns {@code id}.
     */
    public int put(final Object key, final int id)
    {
        final int hash = key.hashCode();
        final int first = bucket(hash);
        for (int way = first + WAYS - 1; way > first; way--)
        {
            entries[way] = entries[way - 1];
        }
        entries[first] = new Entry(key, hash, id);
        return id;
    }

    private static int bucket(final int hash)
    {
        return ((hash ^ (hash >>> 16)) & BUCKET_MASK) * WAYS;
    }
}
