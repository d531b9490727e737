package org.structhist.shdump;

import org.structhist.Effect;
import org.structhist.Verb;

/** Verbs of the objects the tail tests log to. */
public enum TestVerb implements Verb
{
    REF(Effect.REF),
    UNREF(Effect.UNREF),
    USE(Effect.NONE);

    private final Effect effect;

    TestVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
