package org.structhist.process;

import org.structhist.Effect;
import org.structhist.Verb;

/** The verbs of the audit's multi-process tests: what a refcounted object's users log. */
enum AuditVerb implements Verb
{
    REF(Effect.REF),
    UNREF(Effect.UNREF),
    DESTROY(Effect.DESTROY),
    HANDOFF(Effect.HANDOFF),
    USE(Effect.NONE);

    private final Effect effect;

    AuditVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
