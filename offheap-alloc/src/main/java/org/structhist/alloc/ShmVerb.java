package org.structhist.alloc;

import org.structhist.Effect;
import org.structhist.Verb;

/**
 * The verbs of the automatic "shm" history (OpenSIPS DBG_MALLOC's memlog): each chunk's allocation
 * starts a history, its free destroys it, so shdump's running count and {@code check} see a double
 * free as an event after destroy.
 */
public enum ShmVerb implements Verb
{
    SHM_ALLOC(Effect.REF),
    SHM_FREE(Effect.DESTROY),
    SHM_DOUBLE_FREE(Effect.NONE);

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
