package org.structhist.agent;

import net.bytebuddy.asm.Advice;

/**
 * The advice ByteBuddy inlines into Netty's methods. Each piece only passes what it sees to
 * {@link NettyHooks}; {@code suppress = Throwable.class} makes sure that even a hook that could not be
 * linked never throws into the application.
 */
final class RefCountAdvice
{
    private RefCountAdvice()
    {
    }

    /** {@code retain()} of the class that holds the count. */
    static final class Retain
    {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This final Object self)
        {
            return NettyHooks.handleOf(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter final long handle, @Advice.Thrown final Throwable thrown)
        {
            NettyHooks.retained(handle, 1, thrown);
        }
    }

    /** {@code retain(int increment)}. */
    static final class RetainN
    {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This final Object self)
        {
            return NettyHooks.handleOf(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
            @Advice.Enter final long handle,
            @Advice.Argument(0) final int increment,
            @Advice.Thrown final Throwable thrown)
        {
            NettyHooks.retained(handle, increment, thrown);
        }
    }

    /** {@code release()}: the handle is read on entry, before a deallocation can recycle the object. */
    static final class Release
    {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This final Object self)
        {
            return NettyHooks.handleOf(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
            @Advice.Enter final long handle,
            @Advice.Return final boolean released,
            @Advice.Thrown final Throwable thrown)
        {
            NettyHooks.released(handle, 1, released, thrown);
        }
    }

    /** {@code release(int decrement)}. */
    static final class ReleaseN
    {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This final Object self)
        {
            return NettyHooks.handleOf(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
            @Advice.Enter final long handle,
            @Advice.Argument(0) final int decrement,
            @Advice.Return final boolean released,
            @Advice.Thrown final Throwable thrown)
        {
            NettyHooks.released(handle, decrement, released, thrown);
        }
    }

    /** {@code touch(Object hint)} of the class that holds the count. */
    static final class Touch
    {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This final Object self)
        {
            return NettyHooks.handleOf(self);
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Enter final long handle, @Advice.Argument(0) final Object hint)
        {
            NettyHooks.touched(handle, hint);
        }
    }

    /** {@code touch(Object hint)} of Netty's leak-detection wrappers. */
    static final class WrapperTouch
    {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This final Object self, @Advice.Argument(0) final Object hint)
        {
            NettyHooks.wrapperTouched(self, hint);
        }
    }

    /** An allocator's {@code directBuffer(int, int)}, {@code heapBuffer(int, int)}, {@code composite*Buffer(int)}. */
    static final class Allocate
    {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return final Object buffer, @Advice.Argument(0) final int capacity)
        {
            NettyHooks.allocated(buffer, capacity);
        }
    }

    /** {@code retainedSlice(int, int)} and {@code retainedDuplicate()}. */
    static final class Derive
    {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter()
        {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(
            @Advice.This final Object self, @Advice.Return final Object result, @Advice.Enter final long called)
        {
            NettyHooks.derived(self, result, called);
        }
    }

    /** {@code AbstractByteBuf.ensureAccessible()}: Netty's check before every access to the bytes. */
    static final class Access
    {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This final Object self, @Advice.Thrown final Throwable thrown)
        {
            if (thrown != null)
            {
                NettyHooks.accessRefused(self, thrown);
            }
        }
    }
}
