package org.structhist.alloc;

import org.structhist.Effect;
import org.structhist.Verb;

/** Default verbs of {@link RefCount}; pass your own (TCP_REF, ...) to its constructor to name them. */
public enum RefVerb implements Verb
{
    REF(Effect.REF),
    UNREF(Effect.UNREF),
    DESTROY(Effect.DESTROY),
    /** A ref from zero or an unref below zero, refused: the count is saturated instead. The audit flags it. */
    REFCOUNT_REFUSED(Effect.CAUGHT);

    private final Effect effect;

    RefVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
