package org.structhist.internal;

/**
 * A process-local map from a key (a format string, a verb) to its id in the file, read on every
 * {@code log} without a lock and without allocating.
 * <p>
 * Open addressing over arrays that are never changed once published through the volatile
 * {@code table} field: an insert (the cold path, once per distinct key) copies the table under a lock
 * and publishes the copy. Lookups compare by identity first, as format strings are usually literals.
 */
public final class LocalIdCache
{
    public static final int MISSING = -1;

    private static final class Table
    {
        final Object[] keys;
        final int[] ids;
        final int size;

        Table(final int capacity, final int size)
        {
            this.keys = new Object[capacity];
            this.ids = new int[capacity];
            this.size = size;
        }
    }

    private volatile Table table = new Table(64, 0);

    /** The id cached for {@code key}, or {@link #MISSING}. */
    public int get(final Object key)
    {
        final Table t = table;
        final Object[] keys = t.keys;
        final int mask = keys.length - 1;
        int i = spread(key.hashCode()) & mask;
        while (true)
        {
            final Object k = keys[i];
            if (k == key)
            {
                return t.ids[i];
            }
            if (k == null)
            {
                return MISSING;
            }
            if (k.equals(key))
            {
                return t.ids[i];
            }
            i = (i + 1) & mask;
        }
    }

    /** Caches {@code id} for {@code key}; the first id cached for a key wins. */
    public synchronized int put(final Object key, final int id)
    {
        final int existing = get(key);
        if (existing != MISSING)
        {
            return existing;
        }
        final Table old = table;
        final int capacity = (old.size + 1) * 2 > old.keys.length ? old.keys.length * 2 : old.keys.length;
        final Table copy = new Table(capacity, old.size + 1);
        for (int i = 0; i < old.keys.length; i++)
        {
            if (old.keys[i] != null)
            {
                insert(copy, old.keys[i], old.ids[i]);
            }
        }
        insert(copy, key, id);
        table = copy;
        return id;
    }

    private static void insert(final Table t, final Object key, final int id)
    {
        final int mask = t.keys.length - 1;
        int i = spread(key.hashCode()) & mask;
        while (t.keys[i] != null)
        {
            i = (i + 1) & mask;
        }
        t.keys[i] = key;
        t.ids[i] = id;
    }

    private static int spread(final int h)
    {
        return h ^ (h >>> 16);
    }
}
