package org.structhist.agent;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticAddressesTest
{
    @Test
    void neverRepeatsAndCarriesTheTagAndThePid()
    {
        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++)
        {
            final long address = SyntheticAddresses.next();
            assertTrue(seen.add(address), "repeated " + Long.toHexString(address));
            assertTrue(SyntheticAddresses.isSynthetic(address));
            assertEquals(ProcessHandle.current().pid() & SyntheticAddresses.PID_MASK,
                (address >>> SyntheticAddresses.PID_SHIFT) & SyntheticAddresses.PID_MASK);
        }
    }

    @Test
    void neverMeetsAUserSpaceAddress()
    {
        // x86-64 with 5-level paging and AArch64 keep user space below 2^57.
        assertFalse(SyntheticAddresses.isSynthetic((1L << 57) - 1));
        assertFalse(SyntheticAddresses.isSynthetic(0x7f95acf60120L));
        assertTrue(Long.compareUnsigned(SyntheticAddresses.next(), 1L << 57) > 0);
    }
}
