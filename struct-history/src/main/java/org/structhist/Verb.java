package org.structhist;

/**
 * What happened to an object. Users declare their verbs as an enum:
 * <pre>{@code
 * enum TcpVerb implements Verb {
 *     TCP_REF(Effect.REF), TCP_UNREF(Effect.UNREF), TCP_SEND2CHILD(Effect.NONE), TCP_DESTROY(Effect.DESTROY);
 *     private final Effect effect;
 *     TcpVerb(Effect effect) { this.effect = effect; }
 *     public Effect effect() { return effect; }
 * }
 * }</pre>
 * A verb is interned into the file once, by its {@link #name()} and {@link #effect()}; both must not
 * change for the life of the verb object.
 */
public interface Verb
{
    /** The name shown by readers. */
    String name();

    /** What this verb does to the refcount. */
    default Effect effect()
    {
        return Effect.NONE;
    }
}
