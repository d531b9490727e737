package org.structhist.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.FileLayout;
import org.structhist.format.StringTableDescriptor;
import org.structhist.io.ProcessIdentity;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.structhist.format.ThreadTableDescriptor.*;

/**
 * Registers each thread's name in the file the first time it logs (see {@code ThreadTableDescriptor})
 * and hands it its {@link WriterThread}. After that, an event of long arguments needs only the thread's id,
 * found in {@link #knownThreadId()} without the ThreadLocal; text events read the ThreadLocal for their scratch.
 * Nothing is allocated after the first event.
 * <p>
 * Threads keep coming past the table's bound (a server making a virtual thread per request makes
 * millions): once the table is full, a new thread takes over an entry this process claimed for a thread
 * that has ended. It looks at most {@link #MAX_TAKEOVER_PROBES} of them per registration, from where the
 * last look stopped, so a registration costs a bounded time however many threads there are.
 */
public final class ThreadRegistry
{
    /** Own entries looked at, at most, for one of an ended thread. */
    static final int MAX_TAKEOVER_PROBES = 256;

    /**
     * Entries of {@link #known}: more threads than this logging at once share entries, and those that
     * collide take the ThreadLocal path (correct, a few ns slower).
     */
    public static final int KNOWN_THREADS = 1024;

    /** {@code Thread.isVirtual()} (JDK 21+), or null on a JDK without virtual threads. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
    private static final VarHandle KNOWN = MethodHandles.arrayElementVarHandle(long[].class);

    private final UnsafeBuffer buffer;
    private final StringInterner strings;
    private final int tableOffset;
    private final int maxThreads;
    /** The thread holding each entry this process claimed; null for entries of other processes. */
    private final AtomicReferenceArray<WeakReference<Thread>> holders;
    private final AtomicInteger takeoverCursor = new AtomicInteger();
    private final ThreadLocal<WriterThread> current = ThreadLocal.withInitial(this::register);
    /**
     * Java thread ids (all 64 bits) of threads registered in this file, each at {@code id & (KNOWN_THREADS -
     * 1)}: a thread that finds its own id there is registered, which three loads tell where the ThreadLocal
     * takes six dependent ones (about 2 ns of an event with the coarse clock when it was added,
     * benchmarks/RESULTS.md, issue 13, second round). Written only by a thread after its registration, read
     * racily but whole (opaque: a long is not torn). A Java thread id is never reused within a JVM, so an
     * entry holds this thread's id, proving it registered, or another thread's, sending this one to the
     * ThreadLocal. The whole id, not the 32 bits events carry: thread {@code x + 2^32} must not pass for
     * thread {@code x}, or it would never register its name. An empty entry holds 0, never a thread's id.
     */
    private final long[] known = new long[KNOWN_THREADS];

    public ThreadRegistry(final UnsafeBuffer buffer, final FileLayout layout, final StringInterner strings)
    {
        this.buffer = buffer;
        this.strings = strings;
        this.tableOffset = layout.threadTableOffset;
        this.maxThreads = layout.maxThreads;
        this.holders = new AtomicReferenceArray<>(layout.maxThreads);
    }

    public WriterThread current()
    {
        return current.get();
    }

    /** The calling thread's id as events carry it, registering the thread in the file on its first event. */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
    public int knownThreadId()
    {
        final long threadId = Thread.currentThread().getId();
        final int index = (int)threadId & (KNOWN_THREADS - 1);
        if ((long)KNOWN.getOpaque(known, index) == threadId)
        {
            return (int)threadId;
        }
        final int registered = current.get().threadId;
        KNOWN.setOpaque(known, index, threadId);
        return registered;
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+, and this runs on 17.
    private WriterThread register()
    {
        final Thread thread = Thread.currentThread();
        final int threadId = (int)thread.getId();
        final WeakReference<Thread> holder = new WeakReference<>(thread);
        int index = claimIndex();
        if (index >= 0)
        {
            holders.set(index, holder);
            final int entry = tableOffset + index * ENTRY_LENGTH;
            buffer.putLong(entry + THREAD_OFFSET, thread(threadId, nameId(thread)));
            buffer.putIntRelease(entry + PID_OFFSET, (int)ProcessIdentity.PID);
        }
        else if ((index = takeOverEndedThreadsEntry(holder)) >= 0)
        {
            buffer.putLongRelease(tableOffset + index * ENTRY_LENGTH + THREAD_OFFSET, thread(threadId, nameId(thread)));
        }
        else
        {
            buffer.getAndAddInt(FileHeaderDescriptor.THREADS_NOT_REGISTERED_OFFSET, 1);
        }
        return new WriterThread(threadId);
    }

    /** The next free entry, or -1: a CAS that stops at the table's end, so the cursor never wraps. */
    private int claimIndex()
    {
        for (int attempt = 0; attempt < WriterChecks.MAX_CAS_ATTEMPTS; attempt++)
        {
            final int index = buffer.getIntVolatile(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET);
            if (index < 0 || index >= maxThreads)
            {
                return -1;
            }
            if (buffer.compareAndSetInt(FileHeaderDescriptor.THREAD_TABLE_CURSOR_OFFSET, index, index + 1))
            {
                return index;
            }
        }
        return -1;
    }

    /**
     * An entry of this process whose thread has ended, now held by {@code holder}, or -1. The holder is
     * swapped in by a CAS, so two new threads never take the same entry.
     */
    private int takeOverEndedThreadsEntry(final WeakReference<Thread> holder)
    {
        final int probes = Math.min(MAX_TAKEOVER_PROBES, maxThreads);
        for (int probe = 0; probe < probes; probe++)
        {
            final int index = Math.floorMod(takeoverCursor.getAndIncrement(), maxThreads);
            final WeakReference<Thread> previous = holders.get(index);
            if (previous != null)
            {
                final Thread owner = previous.get();
                if ((owner == null || !owner.isAlive()) && holders.compareAndSet(index, previous, holder))
                {
                    return index;
                }
            }
        }
        return -1;
    }

    /** The thread's name as the table stores it: a string id, or a marker for an unnamed thread. */
    private int nameId(final Thread thread)
    {
        final String name = thread.getName();
        if (name.isEmpty())
        {
            return isVirtual(thread) ? UNNAMED_VIRTUAL : NO_NAME;
        }
        final int id = strings.intern(name);
        return id == StringTableDescriptor.NO_STRING ? NO_NAME : id;
    }

    private static boolean isVirtual(final Thread thread)
    {
        if (IS_VIRTUAL == null)
        {
            return false;
        }
        try
        {
            return (boolean)IS_VIRTUAL.invokeExact(thread);
        }
        catch (final Throwable ex)
        {
            return false;
        }
    }

    private static MethodHandle isVirtualHandle()
    {
        try
        {
            return MethodHandles.publicLookup()
                .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        }
        catch (final NoSuchMethodException | IllegalAccessException ex)
        {
            return null; // JDK 17-20: no virtual threads
        }
    }
}
