package org.structhist.shdump.demo;

import org.structhist.Effect;
import org.structhist.Verb;

/** The verbs of the OpenSIPS TCP connection history; their effects drive shdump's refcount audit. */
enum TcpVerb implements Verb
{
    TCP_REF(Effect.REF),
    TCP_UNREF(Effect.UNREF),
    // A hand-off: the reference tcp-main took for a worker becomes the worker's (the audit names who
    // dropped one too many).
    TCP_SEND2CHILD(Effect.HANDOFF),
    TCP_DESTROY(Effect.DESTROY),
    // RefCount's refusal of a ref from 0 or an unref below 0 (the process demo's structs): a bug it caught.
    TCP_REF_REFUSED(Effect.CAUGHT);

    private final Effect effect;

    TcpVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
