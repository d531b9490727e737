package org.structhist.shdump.heap;

import org.junit.jupiter.api.Test;
import org.structhist.alloc.format.ChunkHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak report's counting, ordering and cap, without a heap: chunks as the reader would give them. */
class LeakReportTest
{
    private static ChunkInfo chunk(final long address, final long pid, final long chunkSize, final int requested)
    {
        return new ChunkInfo(address, address - ChunkHeaderDescriptor.LENGTH, ChunkHeaderDescriptor.STATE_ALLOCATED, 2,
            chunkSize, requested, 1, pid, 1, 0, 0);
    }

    @Test
    void countsPerPidMostChunksFirstWithTheFirstAddresses()
    {
        final LeakReport report = new LeakReport();
        for (int i = 0; i < 7; i++)
        {
            report.add(chunk(0x1000 + 0x60 * i, 42, 96, 40));
        }
        report.add(chunk(0x9000, 7, 1280, -3)); // a corrupt negative request counts as 0
        report.add(chunk(0xa000, 99, 96, 10));
        final List<LeakReport.Owner> owners = report.owners();
        assertEquals(List.of(42L, 7L, 99L), owners.stream().map(LeakReport.Owner::pid).toList(),
            "most chunks first, then by pid");
        assertEquals(7, owners.get(0).chunks());
        assertEquals(7 * 96, owners.get(0).bytes());
        assertEquals(7 * 40, owners.get(0).requestedBytes());
        assertEquals(List.of(0x1000L, 0x1060L, 0x10c0L, 0x1120L, 0x1180L), owners.get(0).firstAddresses());
        assertEquals(0, owners.get(1).requestedBytes());
        assertEquals(9, report.chunks());
        assertEquals(8 * 96 + 1280, report.bytes());
        assertEquals(3, report.pids());
        assertFalse(report.capped());
        assertEquals(1280, report.maxChunkSize());
        assertEquals(99, report.maxPid());
    }

    /** A file claiming a dead owner per chunk: the first MAX_PIDS are counted one by one, the rest together. */
    @Test
    void ownersBeyondTheCapAreCountedTogether()
    {
        final LeakReport report = new LeakReport();
        final int pids = LeakReport.MAX_PIDS + 10;
        for (int pid = 1; pid <= pids; pid++)
        {
            report.add(chunk(0x1000L * pid, pid, 96, 40));
        }
        report.add(chunk(0x10, 1, 96, 40)); // a pid counted one by one still counts there
        final List<LeakReport.Owner> owners = report.owners();
        assertTrue(report.capped());
        assertEquals(LeakReport.MAX_PIDS, report.pids());
        assertEquals(LeakReport.MAX_PIDS + 1, owners.size());
        assertEquals(1, owners.get(0).pid());
        assertEquals(2, owners.get(0).chunks());
        final LeakReport.Owner others = owners.get(owners.size() - 1);
        assertTrue(others.isOthers());
        assertEquals(10, others.chunks());
        assertEquals(pids + 1, report.chunks());
    }
}
