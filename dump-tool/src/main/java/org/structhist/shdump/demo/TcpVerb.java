package org.structhist.shdump.demo;

import org.structhist.Effect;
import org.structhist.Verb;

/** The verbs of the OpenSIPS TCP connection history; their effects drive shdump's refcount audit. */
enum TcpVerb implements Verb
{
    TCP_REF(Effect.REF),
    TCP_UNREF(Effect.UNREF),
    TCP_SEND2CHILD(Effect.NONE),
    TCP_DESTROY(Effect.DESTROY);

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
