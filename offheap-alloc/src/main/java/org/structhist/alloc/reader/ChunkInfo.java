package org.structhist.alloc.reader;

import org.structhist.alloc.format.ChunkHeaderDescriptor;

/**
 * One chunk's header, as read at one instant.
 *
 * @param address        what {@code allocate} returned for it: the payload's offset in the heap file.
 * @param chunkOffset    the header's offset ({@code address - 48}).
 * @param state          one of {@link ChunkHeaderDescriptor}'s STATE_ constants.
 * @param sizeClass      its size class.
 * @param chunkSize      its bytes, header included.
 * @param requestedSize  the payload bytes its last allocation asked for.
 * @param generation     its allocations so far (0: never allocated).
 * @param ownerPid       the process that allocated it last.
 * @param allocatedAtNanos when, epoch ns.
 * @param historyHandle  its history handle in the "shm" list, 0 if none.
 * @param freedByPid     the process that freed it last, 0 while allocated.
 */
public record ChunkInfo(long address, long chunkOffset, int state, int sizeClass, long chunkSize, int requestedSize,
    int generation, long ownerPid, long allocatedAtNanos, long historyHandle, long freedByPid)
{
    public String stateName()
    {
        return ChunkHeaderDescriptor.stateName(state);
    }

    public boolean isAllocated()
    {
        return state == ChunkHeaderDescriptor.STATE_ALLOCATED;
    }

    /** The generation as the unsigned number it is. */
    public long generationUnsigned()
    {
        return generation & 0xFFFF_FFFFL;
    }
}
