package org.structhist.stress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link KillTorture} as CI does: at least 100 SIGKILLs of writer JVMs (3 writers x 2 threads on
 * one file), every round checked. {@code -Dstructhist.stress.kills=N} runs more; {@code
 * -Dstructhist.stress.seed=N} repeats a run.
 */
class KillTortureTest
{
    static final int MIN_KILLS = 100;

    @Test
    @Timeout(600)
    void killedWritersLeaveEveryCommittedEventValidAndNoGap()
    {
        final int kills = Math.max(MIN_KILLS, Integer.getInteger("structhist.stress.kills", MIN_KILLS));
        final String seed = System.getProperty("structhist.stress.seed", Long.toString(System.nanoTime()));
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        final KillTorture.Result result = KillTorture.run(KillTorture.Options.parse("--kills", Integer.toString(kills),
            "--writers", "3", "--threads", "2", "--seed", seed), System.out,
            new PrintStream(errors, true, StandardCharsets.UTF_8));
        final String violations = errors.toString(StandardCharsets.UTF_8);
        assertTrue(result.ok(), result.summary + "\n" + violations);
        assertEquals(kills, result.kills, "every kill was made");
        assertTrue(result.events > 10_000, "the writers logged: " + result.summary);
        assertTrue(result.summary.startsWith("kills=" + kills + " events=") &&
            result.summary.endsWith(" invalid=0 lost=0"),
            result.summary);
    }
}
