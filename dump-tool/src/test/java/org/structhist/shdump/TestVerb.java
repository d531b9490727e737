package org.structhist.shdump;

import org.structhist.Effect;
import org.structhist.Verb;

/** The verbs the tests log: one per effect, so every audit rule can be driven; USE for the tail tests. */
public enum TestVerb implements Verb
{
    REF(Effect.REF),
    UNREF(Effect.UNREF),
    SEND(Effect.NONE),
    /** A use that takes no reference (the tail tests log it). */
    USE(Effect.NONE),
    DESTROY(Effect.DESTROY);

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
