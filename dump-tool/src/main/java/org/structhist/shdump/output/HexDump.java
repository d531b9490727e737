package org.structhist.shdump.output;

/**
 * Bytes as {@code hexdump -C} shows them: an offset, 16 bytes in hex in two groups of 8, and the same
 * bytes as ASCII with a dot for anything not printable, so that no byte of a hostile file reaches the
 * terminal as a control character.
 */
public final class HexDump
{
    public static final int BYTES_PER_LINE = 16;

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private HexDump()
    {
    }

    /** Hex digits the offsets of a dump of {@code length} bytes need: at least 4, so short dumps line up. */
    public static int offsetWidth(final long length)
    {
        return Math.max(4, (67 - Long.numberOfLeadingZeros(Math.max(1, length - 1))) / 4);
    }

    /**
     * One line: {@code offset} in {@code offsetWidth} hex digits, then the first {@code count} (1 to 16)
     * of {@code bytes}; a short last line is padded so that its ASCII column lines up with the others.
     */
    public static String line(final long offset, final int offsetWidth, final byte[] bytes, final int count)
    {
        final StringBuilder sb = new StringBuilder(offsetWidth + 4 * BYTES_PER_LINE + 8);
        final String digits = Long.toHexString(offset);
        sb.append("0".repeat(Math.max(0, offsetWidth - digits.length()))).append(digits).append(' ');
        for (int i = 0; i < BYTES_PER_LINE; i++)
        {
            sb.append(i == 8 ? "  " : " ");
            if (i < count)
            {
                sb.append(HEX_DIGITS[(bytes[i] >>> 4) & 0xF]).append(HEX_DIGITS[bytes[i] & 0xF]);
            }
            else
            {
                sb.append("  ");
            }
        }
        sb.append("  |");
        for (int i = 0; i < count; i++)
        {
            final int b = bytes[i] & 0xFF;
            sb.append(b >= 0x20 && b < 0x7F ? (char)b : '.');
        }
        return sb.append('|').toString();
    }

    /** {@code bytes[0..count)} as lowercase hex digits, two per byte, no separators: the JSON form. */
    public static void hex(final StringBuilder sb, final byte[] bytes, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            sb.append(HEX_DIGITS[(bytes[i] >>> 4) & 0xF]).append(HEX_DIGITS[bytes[i] & 0xF]);
        }
    }
}
