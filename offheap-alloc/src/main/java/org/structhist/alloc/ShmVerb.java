package org.structhist.alloc;

import org.structhist.Effect;
import org.structhist.Verb;

/**
 * The verbs of the automatic "shm" history (OpenSIPS DBG_MALLOC's memlog): each chunk's allocation
 * starts a history, its free destroys it, so shdump's {@code check} sees a double free as an event
 * after destroy. An allocation takes no reference: a chunk's refcount, if it has one, is the struct's
 * own business (see {@link RefCount}), and a free of a chunk that counted one would be flagged as a
 * destroy with references left.
 */
public enum ShmVerb implements Verb
{
    SHM_ALLOC(Effect.NONE),
    SHM_FREE(Effect.DESTROY),
    SHM_DOUBLE_FREE(Effect.NONE),
    /**
     * A use of the chunk caught while it was freed or quarantined ({@link SharedHeap#checkLive},
     * {@link SharedHeap#checked()}, {@link RefCount}): an event after the SHM_FREE that destroyed it.
     */
    SHM_USE_AFTER_FREE(Effect.NONE);

    private final Effect effect;

    ShmVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
