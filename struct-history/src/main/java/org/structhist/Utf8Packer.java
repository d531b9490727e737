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
        for (int i = 0; i < longs; i++)
        {
            out[i] = 0;
        }
        final int capacity = longs << 3;
        int at = 0;
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
                return true;
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
        return false;
    }

    private static void put(final long[] out, final int index, final int b)
    {
        out[index >> 3] |= (long)(b & 0xFF) << ((index & 7) << 3);
    }
}
