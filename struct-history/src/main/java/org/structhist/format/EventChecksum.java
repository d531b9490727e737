package org.structhist.format;

/**
 * The event checksum: a 64-bit multiply-rotate mix over the record's longs, folded to 32 bits.
 * <p>
 * Writers compute it from the values they are about to store (never by reading the record back,
 * which a racing stale writer could have changed), readers from what they copied. In words, for a
 * reader in another language:
 * <pre>
 *   h = 0x9E3779B97F4A7C15
 *   for each of these longs v, in order:
 *       stamp, timestamp, (pid &amp; 0xFFFFFFFF) | (threadId &lt;&lt; 32),
 *       (verbId | flags &lt;&lt; 16) &amp; 0xFFFFFFFF | (formatId &lt;&lt; 32), stackId &amp; 0xFFFFFFFF,
 *       then every payload long (Entry Size - 40) / 8 of them:
 *     h = rotateLeft((h ^ v) * 0xBF58476D1CE4E5B9, 29)
 *   checksum = (int)(h ^ (h &gt;&gt;&gt; 32))
 * </pre>
 * The stamp is mixed in, so a record whose fields belong to another generation or position fails.
 */
public final class EventChecksum
{
    public static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long MULTIPLIER = 0xBF58476D1CE4E5B9L;

    public static long mix(final long h, final long value)
    {
        return Long.rotateLeft((h ^ value) * MULTIPLIER, 29);
    }

    public static long headerHash(
        final long stamp,
        final long timestamp,
        final int pid,
        final int threadId,
        final int verbId,
        final int flags,
        final int formatId,
        final int stackId)
    {
        long h = mix(SEED, stamp);
        h = mix(h, timestamp);
        h = mix(h, (pid & 0xFFFF_FFFFL) | ((long)threadId << 32));
        h = mix(h, ((verbId | (flags << 16)) & 0xFFFF_FFFFL) | ((long)formatId << 32));
        return mix(h, stackId & 0xFFFF_FFFFL);
    }

    public static int fold(final long h)
    {
        return (int)(h ^ (h >>> 32));
    }

    private EventChecksum()
    {
    }
}
