package org.structhist.shdump.demo;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.structhist.shdump.demo.HandOffDescriptor.ADDRESS_OFFSET;
import static org.structhist.shdump.demo.HandOffDescriptor.ARGUMENT_OFFSET;
import static org.structhist.shdump.demo.HandOffDescriptor.FILE_LENGTH;
import static org.structhist.shdump.demo.HandOffDescriptor.FLAGS_OFFSET;
import static org.structhist.shdump.demo.HandOffDescriptor.MESSAGE_LENGTH;
import static org.structhist.shdump.demo.HandOffDescriptor.RINGS;
import static org.structhist.shdump.demo.HandOffDescriptor.RING_LENGTH;
import static org.structhist.shdump.demo.HandOffDescriptor.TO_MAIN_RING;

/**
 * The demo's rings ({@link HandOffDescriptor}) mapped in this process. One instance per process, used by
 * one thread: {@link #send} reuses one message buffer.
 */
final class HandOffRings implements AutoCloseable
{
    private final MappedByteBuffer mapped;
    private final RingBuffer[] rings = new RingBuffer[RINGS];
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);

    private HandOffRings(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        for (int i = 0; i < RINGS; i++)
        {
            final UnsafeBuffer ring = new UnsafeBuffer(mapped, HandOffDescriptor.ringOffset(i), RING_LENGTH);
            rings[i] = i == TO_MAIN_RING ? new ManyToOneRingBuffer(ring) : new OneToOneRingBuffer(ring);
        }
    }

    /** Creates the zero-filled ring file (it must not exist): done once, before any process maps it. */
    static void create(final Path path)
    {
        if (Files.exists(path))
        {
            throw new IllegalStateException(path + " exists already");
        }
        IoUtil.unmap(IoUtil.mapNewFile(path.toFile(), FILE_LENGTH));
    }

    /** Maps the ring file {@link #create} made; refuses a file of another length. */
    static HandOffRings attach(final Path path)
    {
        final long length = path.toFile().length();
        if (length != FILE_LENGTH)
        {
            throw new IllegalStateException(path + " is " + length + " bytes, not the " + FILE_LENGTH +
                " of the demo's ring file");
        }
        return new HandOffRings(IoUtil.mapExistingFile(path.toFile(), "demo rings"));
    }

    RingBuffer toWorker(final int worker)
    {
        return rings[worker];
    }

    RingBuffer toMain()
    {
        return rings[TO_MAIN_RING];
    }

    /** Writes one message; false when the ring is full (it never is here: every round waits for its replies). */
    boolean send(final RingBuffer ring, final int type, final long address, final int argument, final int flags)
    {
        message.putLong(ADDRESS_OFFSET, address);
        message.putInt(ARGUMENT_OFFSET, argument);
        message.putInt(FLAGS_OFFSET, flags);
        return ring.write(type, message, 0, MESSAGE_LENGTH);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
