package org.structhist.agent.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Correct reference counting of every kind of buffer the agent tells apart, run in a child JVM with the
 * agent: a pooled direct buffer with a slice that shares its count, a pooled buffer with a retained slice
 * that has a count of its own, a pooled heap buffer, a buffer made without an allocator, a composite.
 * Prints {@code NAME 0x<address>} for the buffers whose address Netty exposes, then {@code DONE}.
 */
public final class BufferScenarios
{
    private BufferScenarios()
    {
    }

    public static void main(final String[] args)
    {
        final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        if (args.length > 0 && args[0].equals("hostile-hint"))
        {
            hostileHint(alloc);
            return;
        }

        final ByteBuf direct = alloc.directBuffer(64);
        print("DIRECT", direct);
        direct.retain();
        final ByteBuf slice = direct.slice(); // shares direct's count: its retain/release are direct's
        slice.retain();
        slice.touch("slice hint");
        slice.release();
        direct.touch("direct hint");
        direct.release();
        check(direct.release(), "direct released to zero");

        final ByteBuf parent = alloc.directBuffer(64);
        print("PARENT", parent);
        final ByteBuf retainedSlice = parent.retainedSlice(0, 16); // pooled: a count of its own
        retainedSlice.touch("retained slice hint");
        check(retainedSlice.release(), "retained slice released to zero");
        check(parent.release(), "parent released to zero");

        final ByteBuf heap = alloc.heapBuffer(32);
        heap.touch("heap hint");
        check(heap.release(), "heap released to zero");

        final ByteBuf wrapped = Unpooled.wrappedBuffer(new byte[8]);
        wrapped.touch("wrapped hint");
        check(wrapped.release(), "wrapped released to zero");

        final CompositeByteBuf composite = alloc.compositeDirectBuffer(4);
        composite.addComponent(true, alloc.directBuffer(8));
        composite.touch("composite hint");
        check(composite.release(), "composite released to zero");

        System.out.println("DONE");
    }

    /** Two touches with a hint whose text cannot be had: the agent cannot record them; the application goes on. */
    private static void hostileHint(final ByteBufAllocator alloc)
    {
        final Object hint = new Object()
        {
            @Override
            public String toString()
            {
                throw new IllegalStateException("a hint that cannot be printed");
            }
        };
        final ByteBuf buf = alloc.directBuffer(16);
        print("HOSTILE", buf);
        check(buf.touch(hint) == buf, "touch returned the buffer");
        check(buf.touch(hint) == buf, "touch returned the buffer");
        check(buf.release(), "released to zero");
        System.out.println("DONE");
    }

    private static void print(final String name, final ByteBuf buf)
    {
        System.out.println(name + " 0x" + Long.toHexString(buf.memoryAddress()));
    }

    private static void check(final boolean released, final String what)
    {
        if (!released)
        {
            throw new IllegalStateException("not " + what);
        }
    }
}
