package org.structhist.agent;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The public Netty methods the agent calls, found per class at run time: the agent names no Netty type,
 * so one jar serves {@code io.netty} and every relocated copy (gRPC's {@code io.grpc.netty.shaded.io.netty}).
 * Each handle is looked up once per class ({@link ClassValue}) and invoked exactly: no allocation.
 */
final class NettyMethods
{
    private static final MethodType OBJECT_TO_BOOLEAN = MethodType.methodType(boolean.class, Object.class);
    private static final MethodType OBJECT_TO_LONG = MethodType.methodType(long.class, Object.class);
    private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);
    private static final MethodType OBJECT_TO_STRING = MethodType.methodType(String.class, Object.class);

    /** A ByteBuf's {@code hasMemoryAddress}, {@code memoryAddress} and {@code unwrap}; null for other classes. */
    static final class BufferMethods
    {
        final MethodHandle hasMemoryAddress;
        final MethodHandle memoryAddress;
        final MethodHandle unwrap;
        /** A composite's address is its first component's (or none): never its own. */
        final boolean composite;
        /** A leak-detection wrapper of a composite: a composite by class, whose count is the wrapped one's. */
        final boolean compositeWrapper;

        BufferMethods(final Class<?> byteBuf, final boolean composite, final boolean compositeWrapper)
            throws ReflectiveOperationException
        {
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            this.hasMemoryAddress = lookup.findVirtual(byteBuf, "hasMemoryAddress",
                MethodType.methodType(boolean.class)).asType(OBJECT_TO_BOOLEAN);
            this.memoryAddress = lookup.findVirtual(byteBuf, "memoryAddress",
                MethodType.methodType(long.class)).asType(OBJECT_TO_LONG);
            this.unwrap = lookup.findVirtual(byteBuf, "unwrap",
                MethodType.methodType(byteBuf)).asType(OBJECT_TO_OBJECT);
            this.composite = composite;
            this.compositeWrapper = compositeWrapper;
        }
    }

    private static final ClassValue<BufferMethods> BUFFER_METHODS = new ClassValue<>()
    {
        @Override
        protected BufferMethods computeValue(final Class<?> type)
        {
            Class<?> byteBuf = null;
            boolean composite = false;
            boolean compositeWrapper = false;
            for (Class<?> c = type; c != null; c = c.getSuperclass())
            {
                composite |= c.getName().endsWith(".buffer.CompositeByteBuf");
                compositeWrapper |= c.getName().endsWith(".buffer.WrappedCompositeByteBuf");
                if (c.getName().endsWith(".buffer.ByteBuf"))
                {
                    byteBuf = c;
                    break;
                }
            }
            if (byteBuf == null)
            {
                return null;
            }
            try
            {
                return new BufferMethods(byteBuf, composite, compositeWrapper);
            }
            catch (final ReflectiveOperationException ex)
            {
                return null;
            }
        }
    };

    /** {@code ChannelHandlerContext.name()} for classes that implement it; null for other classes. */
    private static final ClassValue<MethodHandle> HANDLER_NAME = new ClassValue<>()
    {
        @Override
        protected MethodHandle computeValue(final Class<?> type)
        {
            final Class<?> context = findInterface(type, ".channel.ChannelHandlerContext");
            if (context == null)
            {
                return null;
            }
            try
            {
                return MethodHandles.publicLookup().findVirtual(context, "name",
                    MethodType.methodType(String.class)).asType(OBJECT_TO_STRING);
            }
            catch (final ReflectiveOperationException ex)
            {
                return null;
            }
        }
    };

    private NettyMethods()
    {
    }

    /** The ByteBuf methods of {@code type}, or null if it is not a ByteBuf. */
    static BufferMethods bufferMethods(final Class<?> type)
    {
        return BUFFER_METHODS.get(type);
    }

    /** The text a touch hint is logged as: a handler context's name, else the hint's own text. */
    static CharSequence hintText(final Object hint) throws Throwable
    {
        if (hint == null)
        {
            return "null";
        }
        if (hint instanceof CharSequence)
        {
            return (CharSequence)hint;
        }
        final MethodHandle name = HANDLER_NAME.get(hint.getClass());
        if (name != null)
        {
            return (String)name.invokeExact(hint);
        }
        return hint.toString(); // a hint of the application's own: its text, whatever that costs
    }

    private static Class<?> findInterface(final Class<?> type, final String nameSuffix)
    {
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            for (final Class<?> i : c.getInterfaces())
            {
                if (i.getName().endsWith(nameSuffix))
                {
                    return i;
                }
                final Class<?> inherited = findInterface(i, nameSuffix);
                if (inherited != null)
                {
                    return inherited;
                }
            }
        }
        return null;
    }
}
