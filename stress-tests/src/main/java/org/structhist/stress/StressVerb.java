package org.structhist.stress;

import org.structhist.Effect;
import org.structhist.Verb;

/** The verbs the stress tests log: their names only tell events of one test apart from another's. */
public enum StressVerb implements Verb
{
    WRITE(Effect.NONE),
    OLD(Effect.NONE),
    STALE(Effect.NONE),
    REF(Effect.REF);

    private final Effect effect;

    StressVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
