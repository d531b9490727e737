package org.structhist.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LocalIdCacheTest
{
    @Test
    void findsWhatItHoldsByIdentityAndByContent()
    {
        final LocalIdCache cache = new LocalIdCache();
        assertEquals(LocalIdCache.MISSING, cache.get("connect %d"));
        assertEquals(8, cache.put("connect %d", 8));
        assertEquals(8, cache.get("connect %d"));
        assertEquals(8, cache.get(new String("connect %d")), "a key equal to a cached one is found");
        assertEquals(LocalIdCache.MISSING, cache.get("connect %x"));
    }

    @Test
    void holdsAtMostItsCapacityWhateverTheNumberOfKeys()
    {
        final LocalIdCache cache = new LocalIdCache();
        final int keys = LocalIdCache.CAPACITY * 8;
        for (int i = 0; i < keys; i++)
        {
            cache.put("session " + i + " opened", i + 8);
        }
        int held = 0;
        for (int i = 0; i < keys; i++)
        {
            final int id = cache.get("session " + i + " opened");
            if (id != LocalIdCache.MISSING)
            {
                assertEquals(i + 8, id, "a held key keeps its own id");
                held++;
            }
        }
        assertTrue(held <= LocalIdCache.CAPACITY, held + " keys held");
        assertTrue(held > LocalIdCache.CAPACITY / 2, "the cache still holds most of what fits: " + held);
        assertEquals(keys + 7, cache.get("session " + (keys - 1) + " opened"), "the newest key is held");
    }

    @Test
    void keysOfOneBucketAreAllHeldUpToItsWays()
    {
        final LocalIdCache cache = new LocalIdCache();
        // "Aa", "BB" and "C#" have the same hashCode, so the same bucket.
        cache.put("Aa", 8);
        cache.put("BB", 16);
        cache.put("C#", 24);
        assertEquals(8, cache.get("Aa"));
        assertEquals(16, cache.get("BB"));
        assertEquals(24, cache.get("C#"));
    }
}
