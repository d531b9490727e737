package org.structhist.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real client: {@code connections} sockets to 127.0.0.1, each on its own thread, each sending
 * {@code messages} messages of {@link #MESSAGE_BYTES} bytes and reading their echo before the next. A
 * connection whose echo does not come (the server shut its output after the write that failed) stops.
 */
final class EchoLoad
{
    static final int MESSAGE_BYTES = 256;
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    final AtomicLong echoed = new AtomicLong();
    final AtomicLong stoppedEarly = new AtomicLong();

    /** Runs the load to the end; the echoes received. */
    long run(final int port, final int connections, final int messages) throws InterruptedException
    {
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++)
        {
            final Thread t = new Thread(() -> connection(port, messages), "echo client " + c);
            threads.add(t);
            t.start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        return echoed.get();
    }

    private void connection(final int port, final int messages)
    {
        final byte[] message = new byte[MESSAGE_BYTES];
        final byte[] echo = new byte[MESSAGE_BYTES];
        try (Socket socket = new Socket())
        {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            for (int i = 0; i < messages; i++)
            {
                message[0] = (byte)i;
                out.write(message);
                int read = 0;
                while (read < MESSAGE_BYTES)
                {
                    final int n = in.read(echo, read, MESSAGE_BYTES - read);
                    if (n < 0)
                    {
                        stoppedEarly.incrementAndGet();
                        return;
                    }
                    read += n;
                }
                echoed.incrementAndGet();
            }
        }
        catch (final SocketTimeoutException ex)
        {
            stoppedEarly.incrementAndGet();
        }
        catch (final IOException ex)
        {
            stoppedEarly.incrementAndGet();
        }
    }
}
