package org.structhist.agent.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.Version;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real Netty echo server on 127.0.0.1 (2 event-loop threads, pooled direct buffers), run in a child JVM
 * by the tests with only {@code -javaagent:}. Its handler "audit" releases one buffer it does not own
 * (the {@code buggyMessage}-th message overall) and still passes it on; Netty then finds the buffer
 * released when it writes it, and again when it releases it after the write.
 * <p>
 * Prints {@code NETTY <version>}, {@code PORT <port>}, {@code RELEASED_TWICE 0x<address>} (when the bug
 * fired) on stdout; answers a line {@code ALLOCATED} on stdin with {@code ALLOCATED <bytes its threads
 * allocated so far>} (for {@link EchoThroughput}); stops when its stdin closes.
 * <p>
 * Arguments: {@code buggyMessage} (0: never).
 */
public final class DoubleReleaseServer
{
    private DoubleReleaseServer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long buggyMessage = Long.parseLong(args[0]);
        System.out.println("NETTY " + Version.identify().get("netty-buffer").artifactVersion());
        final EventLoopGroup boss = new NioEventLoopGroup(1);
        final EventLoopGroup workers = new NioEventLoopGroup(2);
        try
        {
            final AuditHandler audit = new AuditHandler(buggyMessage);
            final EchoHandler echo = new EchoHandler();
            final Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Reads of 2 KiB: a 256-byte message never fills one, so the read loop stops after it and the
                // released buffer is flushed before it can be allocated again. With the adaptive default the
                // guess shrinks to the message size, a full read makes the loop allocate once more, and the
                // recycler may hand back the very buffer the handler released: Netty's later release of it
                // then lands in that new incarnation's history (see the README: "Netty", what it cannot see).
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast("audit", audit).addLast("echo", echo);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            System.out.println("PORT " + ((InetSocketAddress)server.localAddress()).getPort());
            System.out.flush();
            final BufferedReader commands =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String command;
            while ((command = commands.readLine()) != null) // runs until the test closes stdin
            {
                if (command.equals("ALLOCATED"))
                {
                    System.out.println("ALLOCATED " + allocatedBytes());
                    System.out.flush();
                }
            }
            server.close().sync();
        }
        finally
        {
            boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
        System.out.println("STOPPED");
    }

    /** Bytes allocated so far by this JVM's live threads (the event loops among them). */
    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
        {
            total += Math.max(0, bytes);
        }
        return total;
    }

    /** The bug: on one message it releases the buffer as if it owned it, then passes it on anyway. */
    @ChannelHandler.Sharable
    static final class AuditHandler extends ChannelInboundHandlerAdapter
    {
        private final long buggyMessage;
        private final AtomicLong messages = new AtomicLong();

        AuditHandler(final long buggyMessage)
        {
            this.buggyMessage = buggyMessage;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (messages.incrementAndGet() == buggyMessage)
            {
                final ByteBuf buf = (ByteBuf)msg;
                final long address = buf.hasMemoryAddress() ? buf.memoryAddress() : 0;
                buf.release();
                System.out.println("RELEASED_TWICE 0x" + Long.toHexString(address) + " on " +
                    Thread.currentThread().getName());
                System.out.flush();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Writes every message back. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
