package org.structhist.internal;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FileNameTokensTest
{
    private static final long START = Instant.parse("2026-12-07T11:34:02.789Z").toEpochMilli();

    @Test
    void aNameWithoutTokensIsOneFileForEveryRun()
    {
        assertEquals("/dev/shm/app.hist", FileNameTokens.expand("/dev/shm/app.hist", 4242, START));
    }

    @Test
    void pidAndStartTimeAndAPercentSign()
    {
        assertEquals("/dev/shm/app-4242.hist", FileNameTokens.expand("/dev/shm/app-%p.hist", 4242, START));
        assertEquals("/tmp/app-20261207-113402-4242.hist", FileNameTokens.expand("/tmp/app-%t-%p.hist", 4242, START));
        assertEquals("/tmp/100%-4242", FileNameTokens.expand("/tmp/100%%-%p", 4242, START));
    }

    @Test
    void anyOtherPercentStaysAsItIs()
    {
        assertEquals("/tmp/a%d%", FileNameTokens.expand("/tmp/a%d%", 4242, START));
    }
}
