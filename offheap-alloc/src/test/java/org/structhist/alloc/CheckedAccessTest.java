package org.structhist.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.*;

/** The checked accessor: every access must lie inside the requested payload of a chunk allocated now. */
class CheckedAccessTest
{
    private static final long SIZE = 100; // a 160-byte chunk: 12 bytes of slack after the payload

    @TempDir
    Path dir;

    /** Each accessor of CheckedAccess, as a call at an address, with the bytes it touches. */
    private record Access(String name, int bytes, LongFunction<Executable> at)
    {
    }

    private static List<Access> accesses(final CheckedAccess checked)
    {
        return List.of(
            new Access("getLong", 8, a -> () -> checked.getLong(a)),
            new Access("putLong", 8, a -> () -> checked.putLong(a, 1)),
            new Access("getLongVolatile", 8, a -> () -> checked.getLongVolatile(a)),
            new Access("getInt", 4, a -> () -> checked.getInt(a)),
            new Access("putInt", 4, a -> () -> checked.putInt(a, 1)),
            new Access("getIntVolatile", 4, a -> () -> checked.getIntVolatile(a)),
            new Access("getByte", 1, a -> () -> checked.getByte(a)),
            new Access("putByte", 1, a -> () -> checked.putByte(a, (byte)1)));
    }

    @Test
    void readsAndWritesInsideALivePayloadGoThroughToTheHeap()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("live.heap"));
        final long address = heap.allocate(SIZE);
        final CheckedAccess checked = heap.checked();
        checked.putLong(address, 0x0102_0304_0506_0708L);
        assertEquals(0x0102_0304_0506_0708L, heap.getLong(address));
        assertEquals(0x0102_0304_0506_0708L, checked.getLong(address));
        assertEquals(0x0102_0304_0506_0708L, checked.getLongVolatile(address));
        checked.putInt(address + SIZE - 4, 0x7A7B7C7D);
        assertEquals(0x7A7B7C7D, heap.getInt(address + SIZE - 4));
        assertEquals(0x7A7B7C7D, checked.getInt(address + SIZE - 4));
        assertEquals(0x7A7B7C7D, checked.getIntVolatile(address + SIZE - 4));
        checked.putByte(address + SIZE - 1, (byte)-3);
        assertEquals((byte)-3, checked.getByte(address + SIZE - 1));
        checked.putLong(address + SIZE - 8, -1L);
        assertEquals(-1L, heap.getLong(address + SIZE - 8));
        for (final Access access : accesses(checked))
        {
            assertDoesNotThrow(access.at().apply(address), access.name() + " at the start");
            assertDoesNotThrow(access.at().apply(address + SIZE - access.bytes()), access.name() + " at the end");
        }
    }

    @Test
    void anAccessReachingOutsideThePayloadIsRefused()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("bounds.heap"));
        final long address = heap.allocate(SIZE);
        final long next = heap.allocate(SIZE);
        heap.putLong(next, 42);
        for (final Access access : accesses(heap.checked()))
        {
            final long lastStart = address + SIZE - access.bytes();
            final IndexOutOfBoundsException pastEnd = assertThrows(IndexOutOfBoundsException.class,
                access.at().apply(lastStart + 1), access.name());
            assertEquals("access of " + access.bytes() + " bytes at 0x" + Long.toHexString(lastStart + 1) +
                " is outside the " + SIZE + "-byte allocation at 0x" + Long.toHexString(address), pastEnd.getMessage());
            assertThrows(IndexOutOfBoundsException.class, access.at().apply(address + SIZE + 8),
                access.name() + " in the chunk's slack past the requested size");
            assertThrows(IndexOutOfBoundsException.class, access.at().apply(address - 8),
                access.name() + " in the chunk's own header");
            assertThrows(IndexOutOfBoundsException.class, access.at().apply(next - 16),
                access.name() + " in the next chunk's header");
        }
        assertEquals(42, heap.getLong(next), "no refused write went through");
        assertTrue(heap.chunk(next).isAllocated());

        final long empty = heap.allocate(0);
        for (final Access access : accesses(heap.checked()))
        {
            assertThrows(IndexOutOfBoundsException.class, access.at().apply(empty), access.name() + " of 0 bytes");
        }
    }

    @Test
    void everyAccessorRefusesAFreedChunkAndAnAddressNoChunkHolds()
    {
        final SharedHeap heap = TestHeaps.open(dir.resolve("freed.heap"));
        final long address = heap.allocate(SIZE);
        final long neighbour = heap.allocate(SIZE);
        heap.free(address);
        for (final Access access : accesses(heap.checked()))
        {
            final UseAfterFreeException ex = assertThrows(UseAfterFreeException.class, access.at().apply(address + 8),
                access.name());
            assertTrue(ex.getMessage().startsWith("use after free of 0x" + Long.toHexString(address + 8) +
                ": its chunk 0x" + Long.toHexString(address) + " is free"), ex.getMessage());
            assertThrows(UseAfterFreeException.class, access.at().apply(heap.capacity() - 1024),
                access.name() + " in a page never carved");
            assertThrows(UseAfterFreeException.class, access.at().apply(0), access.name() + " at 0");
            assertDoesNotThrow(access.at().apply(neighbour), access.name() + " of the live neighbour");
        }
    }
}
