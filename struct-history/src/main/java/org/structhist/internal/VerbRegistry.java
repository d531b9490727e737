package org.structhist.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.Verb;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.StringTableDescriptor;
import org.structhist.format.VerbTableDescriptor;

/**
 * Gives each {@link Verb} its id in the file's verb table (see {@code VerbTableDescriptor}), the same
 * in every process, caching it so {@code log} pays one lock-free lookup.
 */
public final class VerbRegistry
{
    public static final int NO_VERB = 0;

    private final UnsafeBuffer buffer;
    private final StringInterner strings;
    private final int tableOffset;
    private final int maxVerbs;
    private final LocalIdCache cache = new LocalIdCache();

    public VerbRegistry(final UnsafeBuffer buffer, final FileLayout layout, final StringInterner strings)
    {
        this.buffer = buffer;
        this.strings = strings;
        this.tableOffset = layout.verbTableOffset;
        this.maxVerbs = layout.maxVerbs;
    }

    /** The cache {@link #id} looks in first: a list holds it too, so that an event's lookup is one field away. */
    public LocalIdCache cache()
    {
        return cache;
    }

    /** The verb's id (1..Max Verbs), or {@link #NO_VERB} when the table is full. */
    public int id(final Verb verb)
    {
        final int cached = cache.get(verb);
        return cached != LocalIdCache.MISSING ? cached : registerAndCache(verb);
    }

    /**
     * The first use of a verb in this process, out of {@link #id}'s line: with the registration inlined, {@code id}
     * compiled on its own was too big for HotSpot to inline into {@code log} (InlineSmallCode), and every event
     * paid a call (benchmarks/RESULTS.md, issue 13).
     */
    private int registerAndCache(final Verb verb)
    {
        return cache.put(verb, register(verb));
    }

    private int register(final Verb verb)
    {
        final int nameId = strings.intern(verb.name());
        if (nameId == StringTableDescriptor.NO_STRING)
        {
            return notRegistered();
        }
        final long entry = VerbTableDescriptor.entry(nameId, verb.effect().code());
        for (int i = 0; i < maxVerbs; i++)
        {
            final int offset = tableOffset + i * VerbTableDescriptor.ENTRY_LENGTH;
            long existing = buffer.getLongVolatile(offset);
            if (existing == 0 && buffer.compareAndSetLong(offset, 0, entry))
            {
                return i + 1;
            }
            existing = buffer.getLongVolatile(offset);
            if (existing == entry)
            {
                return i + 1;
            }
        }
        return notRegistered();
    }

    private int notRegistered()
    {
        buffer.getAndAddInt(FileHeaderDescriptor.VERBS_NOT_REGISTERED_OFFSET, 1);
        return NO_VERB;
    }
}
