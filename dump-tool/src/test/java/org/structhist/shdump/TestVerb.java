package org.structhist.shdump;

import org.structhist.Effect;
import org.structhist.Verb;

/** The verbs the tests log: one per effect, so every audit rule can be driven. */
public enum TestVerb implements Verb
{
    REF(Effect.REF),
    UNREF(Effect.UNREF),
    SEND(Effect.NONE),
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
