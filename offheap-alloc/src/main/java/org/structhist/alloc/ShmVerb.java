package org.structhist.alloc;

import org.structhist.Effect;
import org.structhist.Verb;

/**
 * The verbs of the automatic "shm" history (OpenSIPS DBG_MALLOC's memlog): each chunk's allocation
 * starts a history, its free destroys it, so shdump's {@code check} sees a double free as an event
 * after destroy. An allocation takes no reference: a chunk's refcount, if it has one, is the struct's
 * own business (see {@link RefCount}), and a free of a chunk that counted one would be flagged as a
 * destroy with references left. A double free and a use after free are bugs the heap caught and refused:
 * their effect is CAUGHT, so the audit flags them (CAUGHT_BY_LIBRARY) whatever the clocks of the processes
 * involved can prove about their order.
 */
public enum ShmVerb implements Verb
{
    SHM_ALLOC(Effect.NONE),
    SHM_FREE(Effect.DESTROY),
    SHM_DOUBLE_FREE(Effect.CAUGHT),
    /**
     * A use of the chunk caught while it was freed or quarantined ({@link SharedHeap#checkLive},
     * {@link SharedHeap#checked()}, {@link RefCount}): an event after the SHM_FREE that destroyed it.
     */
    SHM_USE_AFTER_FREE(Effect.CAUGHT);

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
