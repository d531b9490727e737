package org.structhist;

/**
 * Encodes text as UTF-8 into little-endian longs, the payload layout of a text event, without
 * allocating. Unpaired surrogates become '?', NUL becomes U+2400 (a NUL ends the text in the file).
 */
final class Utf8Packer
{
    private Utf8Packer()
    {
    }

    /**
     * Packs {@code text} into {@code out[0..longs)}, zero-filling the rest of those longs.
     *
     * @return true if the text did not fit and was cut on a character boundary.
     */
    static boolean pack(final CharSequence text, final long[] out, final int longs)
    {
        clear(out, longs);
        return append(text, out, longs << 3, 0) < 0;
    }

    /**
     * Packs the message of an event whose format could not be interned (the file's string table is
     * full): the format's own text, then its arguments as the reader shows a format that does not fit
     * them, {@code " [1, 2]"} in decimal, or {@code " [text]"} for a text argument.
     *
     * @return true if the message did not fit and was cut on a character boundary.
     */
    static boolean packMessage(
        final String format,
        final int argCount,
        final long arg0,
        final long arg1,
        final long arg2,
        final CharSequence text,
        final long[] out,
        final int longs)
    {
        clear(out, longs);
        final int capacity = longs << 3;
        int at = append(format, out, capacity, 0);
        if (argCount > 0 || text != null)
        {
            at = append(" [", out, capacity, at);
            if (text != null)
            {
                at = append(text, out, capacity, at);
            }
            for (int i = 0; i < argCount; i++)
            {
                if (i > 0)
                {
                    at = append(", ", out, capacity, at);
                }
                at = appendDecimal(i == 0 ? arg0 : i == 1 ? arg1 : arg2, out, capacity, at);
            }
            at = append("]", out, capacity, at);
        }
        return at < 0;
    }

    private static void clear(final long[] out, final int longs)
    {
        for (int i = 0; i < longs; i++)
        {
            out[i] = 0;
        }
    }

    /** Appends {@code value} in decimal at byte {@code at}; -1 if it did not fit (or {@code at} was -1). */
    private static int appendDecimal(final long value, final long[] out, final int capacity, final int at)
    {
        if (at < 0)
        {
            return at;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10)
        {
            digits++;
        }
        final int length = digits + (value < 0 ? 1 : 0);
        if (at + length > capacity)
        {
            return -1;
        }
        if (value < 0)
        {
            put(out, at, '-');
        }
        long rest = value;
        for (int i = at + length - 1; i >= at + length - digits; i--)
        {
            put(out, i, '0' + (int)Math.abs(rest % 10));
            rest /= 10;
        }
        return at + length;
    }

    /** Appends {@code text} as UTF-8 at byte {@code at}; -1 if it was cut (or {@code at} was -1). */
    private static int append(final CharSequence text, final long[] out, final int capacity, final int from)
    {
        if (from < 0)
        {
            return from;
        }
        int at = from;
        final int length = text.length();
        for (int i = 0; i < length; i++)
        {
            int c = text.charAt(i);
            int units = 1;
            if (Character.isHighSurrogate((char)c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                c = Character.toCodePoint((char)c, text.charAt(i + 1));
                units = 2;
            }
            else if (Character.isSurrogate((char)c))
            {
                c = '?';
            }
            else if (c == 0)
            {
                c = 0x2400;
            }
            final int bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (at + bytes > capacity)
            {
                return -1;
            }
            switch (bytes)
            {
                case 1:
                    put(out, at++, c);
                    break;
                case 2:
                    put(out, at++, 0xC0 | (c >> 6));
                    put(out, at++, 0x80 | (c & 0x3F));
                    break;
                case 3:
                    put(out, at++, 0xE0 | (c >> 12));
                    put(out, at++, 0x80 | ((c >> 6) & 0x3F));
                    put(out, at++, 0x80 | (c & 0x3F));
                    break;
                default:
                    put(out, at++, 0xF0 | (c >> 18));
                    put(out, at++, 0x80 | ((c >> 12) & 0x3F));
                    put(out, at++, 0x80 | ((c >> 6) & 0x3F));
                    put(out, at++, 0x80 | (c & 0x3F));
                    break;
            }
            i += units - 1;
        }
        return at;
    }

    private static void put(final long[] out, final int index, final int b)
    {
        out[index >> 3] |= (long)(b & 0xFF) << ((index & 7) << 3);
    }
}
