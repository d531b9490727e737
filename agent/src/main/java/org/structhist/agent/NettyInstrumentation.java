package org.structhist.agent;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicBoolean;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Where the advice goes: only public, long-stable Netty API, the same in 4.1 and 4.2, in every
 * namespace Netty is shipped under ({@code io.netty.} and gRPC's {@code io.grpc.netty.shaded.io.netty.}):
 * <ul>
 * <li>{@code buffer.AbstractReferenceCountedByteBuf} and {@code util.AbstractReferenceCounted}, the two
 *     classes that hold a count: {@code retain()}, {@code retain(int)}, {@code release()},
 *     {@code release(int)}, {@code touch(Object)}, and the added {@link HistoryCarrier} field;</li>
 * <li>{@code buffer.AbstractByteBufAllocator}: {@code directBuffer(int, int)}, {@code heapBuffer(int, int)},
 *     {@code compositeDirectBuffer(int)}, {@code compositeHeapBuffer(int)}, where every allocator's buffers
 *     come out, a pooled buffer reused by the recycler included: each return is a new incarnation;</li>
 * <li>{@code retainedSlice(int, int)} and {@code retainedDuplicate()} of the buffer classes: pooled
 *     derived buffers, with a count of their own, are born there;</li>
 * <li>{@code buffer.CompositeByteBuf.touch(Object)}, which does not call its superclass's;</li>
 * <li>{@code buffer.SimpleLeakAwareByteBuf} / {@code AdvancedLeakAwareByteBuf} /
 *     {@code AdvancedLeakAwareCompositeByteBuf} {@code touch(Object)}: the leak-detection wrappers keep the
 *     hint to themselves;</li>
 * <li>{@code buffer.AbstractByteBuf.ensureAccessible()}: where an access to a released buffer throws.</li>
 * </ul>
 * Classes load instrumented (nothing is retransformed): the agent must start before Netty loads, as
 * {@code -javaagent} does. A class loader that cannot see the agent's classes (one that does not
 * delegate to the system class loader) keeps Netty uninstrumented rather than failing at the first call.
 */
final class NettyInstrumentation
{
    static final String[] NETTY_PREFIXES = {"io.netty.", "io.grpc.netty.shaded.io.netty."};

    private NettyInstrumentation()
    {
    }

    static void install(final Instrumentation instrumentation)
    {
        // ByteBuddy's "safe" mode: it never reaches for sun.misc.Unsafe or deep reflection (which JDK 24+ warns
        // about on stderr, the application's stderr). The property is our relocated copy's own, so the
        // application's ByteBuddy, if any, is not affected. Nothing here needs what it turns off.
        System.setProperty(ByteBuddy.class.getPackageName() + ".safe", "true");
        AgentBuilder builder = new AgentBuilder.Default()
            .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
            .with(AgentBuilder.RedefinitionStrategy.DISABLED)
            // The advice is inlined and adds no class of its own: nothing to inject, and no injector
            // initialised (ByteBuddy's reflection/Unsafe injectors make JDK 24+ warn about sun.misc.Unsafe).
            .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(new OneLineErrors())
            .ignore(not(nettyType()));
        final ElementMatcher<ClassLoader> seesAgent = NettyInstrumentation::seesAgent;
        for (final String p : NETTY_PREFIXES)
        {
            builder = builder
                .type(named(p + "buffer.AbstractReferenceCountedByteBuf")
                    .or(named(p + "util.AbstractReferenceCounted")), seesAgent)
                .transform(NettyInstrumentation::countHolder)
                .type(named(p + "buffer.AbstractByteBufAllocator"), seesAgent)
                .transform((b, type, loader, module, domain) -> b
                    .visit(Advice.to(RefCountAdvice.Allocate.class).on(
                        named("directBuffer").or(named("heapBuffer")).and(takesArguments(int.class, int.class))))
                    .visit(Advice.to(RefCountAdvice.Allocate.class).on(named("compositeDirectBuffer")
                        .or(named("compositeHeapBuffer")).and(takesArguments(int.class)))))
                .type(named(p + "buffer.CompositeByteBuf"), seesAgent)
                .transform((b, type, loader, module, domain) -> b
                    .visit(Advice.to(RefCountAdvice.Touch.class).on(touchWithHint())))
                .type(named(p + "buffer.SimpleLeakAwareByteBuf").or(named(p + "buffer.AdvancedLeakAwareByteBuf"))
                    .or(named(p + "buffer.AdvancedLeakAwareCompositeByteBuf")), seesAgent)
                .transform((b, type, loader, module, domain) -> b
                    .visit(Advice.to(RefCountAdvice.WrapperTouch.class).on(touchWithHint())))
                .type(named(p + "buffer.AbstractByteBuf"), seesAgent)
                .transform((b, type, loader, module, domain) -> b
                    .visit(Advice.to(RefCountAdvice.Access.class)
                        .on(named("ensureAccessible").and(takesNoArguments()))))
                .type(nameStartsWith(p + "buffer."), seesAgent)
                .transform((b, type, loader, module, domain) -> b
                    .visit(Advice.to(RefCountAdvice.Derive.class).on(concrete().and(
                        named("retainedSlice").and(takesArguments(int.class, int.class))
                            .or(named("retainedDuplicate").and(takesNoArguments()))))));
        }
        builder.installOn(instrumentation);
    }

    private static DynamicType.Builder<?> countHolder(
        final DynamicType.Builder<?> builder,
        final TypeDescription type,
        final ClassLoader loader,
        final JavaModule module,
        final java.security.ProtectionDomain domain)
    {
        return builder
            .defineField(HistoryCarrier.FIELD, long.class, Modifier.PRIVATE | Modifier.TRANSIENT)
            .defineField(HistoryCarrier.BORN_FIELD, long.class, Modifier.PRIVATE | Modifier.TRANSIENT)
            .implement(HistoryCarrier.class)
            .method(named(HistoryCarrier.FIELD)).intercept(FieldAccessor.ofField(HistoryCarrier.FIELD))
            .method(named(HistoryCarrier.BORN_FIELD)).intercept(FieldAccessor.ofField(HistoryCarrier.BORN_FIELD))
            .visit(Advice.to(RefCountAdvice.Retain.class).on(concrete().and(named("retain")).and(takesNoArguments())))
            .visit(Advice.to(RefCountAdvice.RetainN.class).on(
                concrete().and(named("retain")).and(takesArguments(int.class))))
            .visit(Advice.to(RefCountAdvice.Release.class).on(concrete().and(named("release")).and(takesNoArguments())))
            .visit(Advice.to(RefCountAdvice.ReleaseN.class).on(
                concrete().and(named("release")).and(takesArguments(int.class))))
            .visit(Advice.to(RefCountAdvice.Touch.class).on(touchWithHint()));
    }

    private static ElementMatcher.Junction<MethodDescription> concrete()
    {
        return not(isAbstract()).and(not(isBridge()));
    }

    private static ElementMatcher.Junction<MethodDescription> touchWithHint()
    {
        return concrete().and(named("touch")).and(takesArguments(Object.class));
    }

    private static ElementMatcher.Junction<TypeDescription> nettyType()
    {
        ElementMatcher.Junction<TypeDescription> any = nameStartsWith(NETTY_PREFIXES[0]);
        for (int i = 1; i < NETTY_PREFIXES.length; i++)
        {
            any = any.or(nameStartsWith(NETTY_PREFIXES[i]));
        }
        return any;
    }

    /** Whether classes of {@code loader} resolve the hooks to the very class the agent installed. */
    private static boolean seesAgent(final ClassLoader loader)
    {
        if (loader == null)
        {
            return false;
        }
        try
        {
            return Class.forName(NettyHooks.class.getName(), false, loader) == NettyHooks.class;
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            return false;
        }
    }

    /** A class that could not be instrumented loads as it is; the agent says so once per class. */
    private static final class OneLineErrors extends AgentBuilder.Listener.Adapter
    {
        private final AtomicBoolean said = new AtomicBoolean();

        @Override
        public void onError(
            final String typeName,
            final ClassLoader classLoader,
            final JavaModule module,
            final boolean loaded,
            final Throwable throwable)
        {
            System.err.println("structhist-agent: " + typeName + " is not instrumented (" + throwable + ")" +
                (said.getAndSet(true) ? "" : "; its objects have no history"));
        }
    }
}
