package org.structhist.agent.it;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.util.IllegalReferenceCountException;

/**
 * A buffer of gRPC's relocated Netty, retained, touched, released to zero and released once more, in a
 * child JVM with the agent. Prints {@code GRPC 0x<address>}, {@code REFUSED <message>}, {@code DONE}.
 */
public final class GrpcShadedScenario
{
    private GrpcShadedScenario()
    {
    }

    public static void main(final String[] args)
    {
        final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        System.out.println("GRPC 0x" + Long.toHexString(buf.memoryAddress()));
        buf.retain();
        buf.touch("grpc hint");
        buf.release();
        if (!buf.release())
        {
            throw new IllegalStateException("not released to zero");
        }
        try
        {
            buf.release();
            throw new IllegalStateException("a release below zero was not refused");
        }
        catch (final IllegalReferenceCountException expected)
        {
            System.out.println("REFUSED " + expected.getMessage());
        }
        System.out.println("DONE");
    }
}
