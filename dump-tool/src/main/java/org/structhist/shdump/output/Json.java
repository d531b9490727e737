package org.structhist.shdump.output;

/**
 * A minimal JSON object writer for shdump's JSON lines: one object per line, fields in the order
 * written. Strings are escaped per RFC 8259; nothing else is needed (no nesting beyond arrays of
 * scalars), so this is a few lines rather than a dependency.
 */
public final class Json
{
    private final StringBuilder sb = new StringBuilder(256).append('{');
    private boolean first = true;

    public static Json object()
    {
        return new Json();
    }

    public Json field(final String name, final String value)
    {
        key(name);
        if (value == null)
        {
            sb.append("null");
        }
        else
        {
            string(sb, value);
        }
        return this;
    }

    public Json field(final String name, final long value)
    {
        key(name);
        sb.append(value);
        return this;
    }

    public Json field(final String name, final boolean value)
    {
        key(name);
        sb.append(value);
        return this;
    }

    /** A boolean that may be unknown: null when {@code value} is. */
    public Json field(final String name, final Boolean value)
    {
        key(name);
        sb.append(value == null ? "null" : value.toString());
        return this;
    }

    /** A number that may be unknown: null when {@code known} is false. */
    public Json field(final String name, final long value, final boolean known)
    {
        key(name);
        if (known)
        {
            sb.append(value);
        }
        else
        {
            sb.append("null");
        }
        return this;
    }

    public Json field(final String name, final long[] values)
    {
        key(name);
        sb.append('[');
        for (int i = 0; i < values.length; i++)
        {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        sb.append(']');
        return this;
    }

    public Json field(final String name, final java.util.List<String> values)
    {
        key(name);
        sb.append('[');
        for (int i = 0; i < values.size(); i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            string(sb, values.get(i));
        }
        sb.append(']');
        return this;
    }

    /** A nested object, or null. */
    public Json field(final String name, final Json value)
    {
        key(name);
        sb.append(value == null ? "null" : value.toString());
        return this;
    }

    /**
     * {@code unscaled / 10^scale} written exactly ({@code decimal("ts", 1234567, 3)} gives 1234.567): a
     * double could not hold nanoseconds in a microsecond field once the value is large.
     */
    public Json decimal(final String name, final long unscaled, final int scale)
    {
        key(name);
        if (scale <= 0)
        {
            sb.append(unscaled);
            return this;
        }
        // Unsigned, so that even Long.MIN_VALUE (whose negation overflows back to itself) prints right.
        final String digits = Long.toUnsignedString(unscaled < 0 ? -unscaled : unscaled);
        final String padded = digits.length() > scale ? digits : "0".repeat(scale + 1 - digits.length()) + digits;
        sb.append(unscaled < 0 ? "-" : "")
            .append(padded, 0, padded.length() - scale).append('.').append(padded.substring(padded.length() - scale));
        return this;
    }

    @Override
    public String toString()
    {
        return sb + "}";
    }

    private void key(final String name)
    {
        if (!first)
        {
            sb.append(',');
        }
        first = false;
        string(sb, name);
        sb.append(':');
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    public static void string(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        // By hand: a hostile file's string can hold thousands of control characters,
                        // and a String.format per character allocated hundreds of megabytes.
                        out.append("\\u00").append(HEX_DIGITS[c >>> 4]).append(HEX_DIGITS[c & 0xF]);
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
