package org.structhist.shdump.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The demo's client: opens {@code connections} real TCP connections to tcp-main on 127.0.0.1, sends a
 * request line on each and reads what tcp-main sends until it closes the connection. Keeps a few
 * connections open ahead of tcp-main (they wait in its accept backlog), so tcp-main never waits for it.
 * Stops quietly when tcp-main is gone: after the crash, a refused or reset connection is the expected end.
 */
final class DemoClient implements Runnable
{
    /** Connections opened ahead; well below tcp-main's accept backlog. */
    private static final int AHEAD = 16;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final int port;
    private final int connections;
    private volatile int completed;

    DemoClient(final int port, final int connections)
    {
        this.port = port;
        this.connections = connections;
    }

    /** Connections tcp-main served and closed. */
    int completed()
    {
        return completed;
    }

    @Override
    public void run()
    {
        final Deque<Socket> pending = new ArrayDeque<>();
        final byte[] buffer = new byte[256];
        try
        {
            int opened = 0;
            while (completed < connections)
            {
                if (opened < connections && pending.size() < AHEAD)
                {
                    final Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                    socket.setTcpNoDelay(true);
                    // A reset on close, not TIME_WAIT: a benchmark opens tens of thousands of connections.
                    socket.setSoLinger(true, 0);
                    final OutputStream out = socket.getOutputStream();
                    out.write(("REGISTER sip:" + opened + "@127.0.0.1 SIP/2.0\n").getBytes(StandardCharsets.US_ASCII));
                    pending.addLast(socket);
                    opened++;
                    continue;
                }
                try (Socket socket = pending.removeFirst())
                {
                    final InputStream in = socket.getInputStream();
                    while (in.read(buffer) >= 0)
                    {
                        // tcp-main's replies: read and let go until it closes the connection.
                    }
                }
                completed++;
            }
        }
        catch (final IOException ex)
        {
            // tcp-main crashed (the demo) or was killed: its connections are refused or reset.
        }
        finally
        {
            for (final Socket socket : pending)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ignore)
                {
                    // Closing what a dead server left: nothing to do.
                }
            }
        }
    }
}
