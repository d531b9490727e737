package org.structhist.shdump;

import org.structhist.shdump.cli.Address;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Addresses on the command line: hex or decimal in, hex out, all 64 bits. */
class AddressTest
{
    @Test
    void hexAndDecimal()
    {
        assertEquals(0x7f95acf6ea60L, Address.parse("0x7f95acf6ea60"));
        assertEquals(0x7f95acf6ea60L, Address.parse("0X7F95ACF6EA60"));
        assertEquals(0x7f95acf6ea60L, Address.parse("140280828717664"));
        assertEquals(0x7f95acf6ea60L, Address.parse("0x7f95_acf6_ea60"));
        assertEquals(-1L, Address.parse("0xffffffffffffffff"), "the top bit is an address bit too");
        assertEquals(0L, Address.parse("0"));
    }

    @Test
    void formatIsHexWithoutSign()
    {
        assertEquals("0x7f95acf6ea60", Address.format(0x7f95acf6ea60L));
        assertEquals("0xffffffffffffffff", Address.format(-1L));
        assertEquals("0x0", Address.format(0));
    }

    @Test
    void anythingElseIsOneSentence()
    {
        for (final String bad : new String[] {"", "0x", "x12", "0x1ffffffffffffffff", "12a", "0b101", "1e6"})
        {
            final CommandLine.TypeConversionException ex =
                assertThrows(CommandLine.TypeConversionException.class, () -> Address.parse(bad), bad);
            assertEquals("'" + bad +
                "' is not an address: give it as hex (0x7f95acf6ea60) or decimal", ex.getMessage());
        }
    }
}
