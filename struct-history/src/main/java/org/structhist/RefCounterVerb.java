package org.structhist;

/** The verbs a {@link RefCounter} logs unless it is given its own (TCP_REF, ...). */
public enum RefCounterVerb implements Verb
{
    REF(Effect.REF),
    UNREF(Effect.UNREF),
    DESTROY(Effect.DESTROY),
    /** A ref from zero or an unref below zero, refused: the count is saturated instead. The audit flags it. */
    REFCOUNT_REFUSED(Effect.CAUGHT);

    private final Effect effect;

    RefCounterVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
