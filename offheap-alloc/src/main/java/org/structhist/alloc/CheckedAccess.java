package org.structhist.alloc;

import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.alloc.internal.ChunkLocator;
import org.structhist.alloc.format.HeapMemory;

/**
 * Reads and writes that first check, through the page table and the chunk's header, that every byte
 * accessed lies in the payload of a chunk that is allocated now: a use after free (of a chunk still
 * free or quarantined) or an overflow into the next chunk's header is a {@link UseAfterFreeException}
 * or {@link IndexOutOfBoundsException} at the faulty access, not a silent corruption. Garbage-free
 * unless it throws. The check and the access are not atomic: a free racing the access is caught only
 * if it lands first (as with ASan, the quarantine widens the window in which it is caught).
 */
public final class CheckedAccess
{
    private final SharedHeap heap;
    private final HeapMemory memory;
    private final ChunkLocator locator;

    CheckedAccess(final SharedHeap heap)
    {
        this.heap = heap;
        this.memory = heap.memory();
        this.locator = heap.locator();
    }

    private void check(final long address, final int length)
    {
        final long chunk = locator.chunkOf(address);
        if (chunk == ChunkLocator.NONE)
        {
            throw heap.useAfterFree(address, chunk, -1);
        }
        final long word = memory.getLongVolatile(chunk + ChunkHeaderDescriptor.STATE_WORD_OFFSET);
        if (ChunkHeaderDescriptor.state(word) != ChunkHeaderDescriptor.STATE_ALLOCATED)
        {
            heap.logUseAfterFree(address, chunk, "use after free caught by checked() at +%d, chunk generation %d");
            throw heap.useAfterFree(address, chunk, -1);
        }
        final long payload = chunk + ChunkHeaderDescriptor.LENGTH;
        final long size = memory.getInt(chunk + ChunkHeaderDescriptor.REQUESTED_SIZE_OFFSET);
        final int sizeClass = locator.sizeClassAt(chunk);
        if (size < 0 || sizeClass < 0 || size > SizeClasses.chunkSize(sizeClass) - ChunkHeaderDescriptor.LENGTH)
        {
            // Requested Size is read from the file: it must not stretch the check past the chunk.
            throw heap.useAfterFree(address, chunk, -1);
        }
        if (address < payload || address + length > payload + size)
        {
            throw new IndexOutOfBoundsException("access of " + length + " bytes at " + SharedHeap.hex(address) +
                " is outside the " + size + "-byte allocation at " + SharedHeap.hex(payload));
        }
    }

    public long getLong(final long address)
    {
        check(address, 8);
        return memory.getLong(address);
    }

    public void putLong(final long address, final long value)
    {
        check(address, 8);
        memory.putLong(address, value);
    }

    public long getLongVolatile(final long address)
    {
        check(address, 8);
        return memory.getLongVolatile(address);
    }

    public int getInt(final long address)
    {
        check(address, 4);
        return memory.getInt(address);
    }

    public void putInt(final long address, final int value)
    {
        check(address, 4);
        memory.putInt(address, value);
    }

    public int getIntVolatile(final long address)
    {
        check(address, 4);
        return memory.getIntVolatile(address);
    }

    public byte getByte(final long address)
    {
        check(address, 1);
        return memory.getByte(address);
    }

    public void putByte(final long address, final byte value)
    {
        check(address, 1);
        memory.putByte(address, value);
    }
}
