package org.structhist;

/** The verbs of the OpenSIPS TCP story, as a user would declare them. */
public enum TcpVerb implements Verb
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
