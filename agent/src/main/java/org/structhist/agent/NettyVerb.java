package org.structhist.agent;

import org.structhist.Effect;
import org.structhist.Verb;

/** What the agent records about a reference-counted Netty object. */
public enum NettyVerb implements Verb
{
    /** A new incarnation, count 1: from an allocator, a retained derived buffer, or first seen. */
    ALLOC(Effect.REF),
    /** {@code retain()}: one more reference (retain(n) logs n of them). */
    RETAIN(Effect.REF),
    /** {@code release()} that did not reach zero: one reference fewer. */
    RELEASE(Effect.UNREF),
    /** {@code release()} returned true: the count is exactly zero and Netty deallocated the object. */
    DESTROY(Effect.DESTROY),
    /** {@code touch(hint)}: the hint as text (the pipeline's touches name the handler that gets the buffer). */
    TOUCH(Effect.NONE),
    /** A release refused with IllegalReferenceCountException: a release below zero. */
    ILLEGAL_RELEASE(Effect.UNREF),
    /** A retain refused with IllegalReferenceCountException (retain from zero, or overflow). */
    ILLEGAL_RETAIN(Effect.NONE),
    /** An access to a released buffer refused with IllegalReferenceCountException. */
    ILLEGAL_ACCESS(Effect.NONE),
    /** retain(n) or release(n) with n too large to log one event per reference: the count is not followed. */
    COUNT_NOT_FOLLOWED(Effect.NONE);

    private final Effect effect;

    NettyVerb(final Effect effect)
    {
        this.effect = effect;
    }

    @Override
    public Effect effect()
    {
        return effect;
    }
}
