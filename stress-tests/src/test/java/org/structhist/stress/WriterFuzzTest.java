package org.structhist.stress;

import org.junit.jupiter.api.Test;
import org.structhist.stress.fuzz.WriterFuzz;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writer fuzzing (see {@link WriterFuzz} for what a finding is): a seeded mutation loop over every region
 * of a history file and a heap file, for {@code -Dstructhist.stress.writerFuzz.seconds} (default 45, so
 * CI stays short). Prints executions per region; the seed in a finding's message reproduces it with
 * {@code WriterFuzz --seed N}.
 */
class WriterFuzzTest
{
    @Test
    void writersAndTheAllocatorSurviveMutatedFiles() throws Exception
    {
        final long seconds = Long.getLong("structhist.stress.writerFuzz.seconds", 45);
        final long seed = Long.getLong("structhist.stress.writerFuzz.seed", System.nanoTime());
        final WriterFuzz.LoopResult result = WriterFuzz.loop(seconds, seed);
        System.out.println(result.summary());
        if (result.finding != null)
        {
            result.finding.printStackTrace(System.out);
        }
        assertNull(result.finding, result::summary);
        assertTrue(result.executions > 0, "no execution ran");
    }
}
