package org.structhist.internal;

/**
 * A process-local cache from a key (a format string, a verb) to its id in the file, read on every
 * {@code log} without a lock and without allocating.
 * <p>
 * Bounded, so that any number of distinct keys costs constant time and memory per call: a fixed
 * array of {@link #CAPACITY} immutable entries, two ways per bucket (the bucket's first way holds the
 * newest key, the second the one it displaced). An insert replaces what was there; a key pushed out is
 * looked up in the file again the next time it is used. There is no lock: entries are immutable (final
 * fields, so a racing reader sees either the whole entry or none) and a lost race loses a cache entry,
 * never an id, as every insert of a key caches the same id (the file's table gives one id per content).
 * Lookups compare by identity first, as format strings are usually literals, then by content.
 */
public final class LocalIdCache
{
    public static final int MISSING = -1;

    /** Entries kept: at most this many keys are held (and kept reachable) per cache. */
    public static final int CAPACITY = 8192;

    private static final int MASK = CAPACITY - 1;

    private static final class Entry
    {
        final Object key;
        final int id;

        Entry(final Object key, final int id)
        {
            this.key = key;
            this.id = id;
        }
    }

    private final Entry[] entries = new Entry[CAPACITY];

    /** The id cached for {@code key}, or {@link #MISSING}. */
    public int get(final Object key)
    {
        final int first = bucket(key);
        final Entry newest = entries[first];
        if (newest != null && (newest.key == key || newest.key.equals(key)))
        {
            return newest.id;
        }
        final Entry older = entries[first + 1];
        if (older != null && (older.key == key || older.key.equals(key)))
        {
            return older.id;
        }
        return MISSING;
    }

    /** Caches {@code id} for {@code key}, pushing out the bucket's older key if both ways are taken; returns {@code id}. */
    public int put(final Object key, final int id)
    {
        final int first = bucket(key);
        final Entry newest = entries[first];
        if (newest != null && !newest.key.equals(key))
        {
            entries[first + 1] = newest;
        }
        entries[first] = new Entry(key, id);
        return id;
    }

    /** The bucket's first way: an even index, its second way the odd one after it. */
    private static int bucket(final Object key)
    {
        final int h = key.hashCode();
        return ((h ^ (h >>> 16)) << 1) & MASK;
    }
}
