package org.structhist.shdump.output;

import java.io.Writer;

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

    /** A nested object, or null; appended from its builder, never copied into a String on the way. */
    public Json field(final String name, final Json value)
    {
        key(name);
        if (value == null)
        {
            sb.append("null");
        }
        else
        {
            reserve(sb, value.sb.length() + 1);
            sb.append(value.sb).append('}');
        }
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

    /**
     * Appends this object to {@code out}. The export commands write through this rather than
     * {@link #toString()}: an event can hold strings of 16 KiB that escape to six times that, and every
     * copy on the way to the output is allocated once per event (invariant 8: shdump allocates in
     * proportion to what it reads and writes, so the fuzz target measures allocation per output char).
     */
    public void appendTo(final Appendable out) throws java.io.IOException
    {
        if (out instanceof Writer writer && sb.length() > COPY_CHUNK_CHARS)
        {
            // Writer.append(CharSequence) would copy a big object into a String, then into a char[].
            final char[] chunk = new char[COPY_CHUNK_CHARS];
            for (int from = 0; from < sb.length(); from += COPY_CHUNK_CHARS)
            {
                final int to = Math.min(sb.length(), from + COPY_CHUNK_CHARS);
                sb.getChars(from, to, chunk, 0);
                writer.write(chunk, 0, to - from);
            }
            writer.write('}');
        }
        else
        {
            out.append(sb).append('}');
        }
    }

    /** This object and a line break, for the JSON lines commands print. */
    public void println(final java.io.PrintWriter out)
    {
        try
        {
            appendTo(out);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex); // a PrintWriter never throws one
        }
        out.println();
    }

    @Override
    public String toString()
    {
        // One copy: "sb + '}'" made two (the builder's String, then the concatenation).
        sb.append('}');
        final String json = sb.toString();
        sb.setLength(sb.length() - 1);
        return json;
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

    /** Room left after a big string or object for the fields that follow it (most objects end in a few dozen). */
    private static final int HEADROOM_CHARS = 512;
    /** Chars copied at a time from a big object to a Writer. */
    private static final int COPY_CHUNK_CHARS = 8192;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    public static void string(final StringBuilder out, final String value)
    {
        // Sized once for the escaped string: a string of control characters is six times its length, and
        // growing by doubling on the way would copy the builder several times.
        reserve(out, escapedLength(value) + 2);
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

    /**
     * Makes room for {@code chars} more in {@code out}, and for the small fields that usually follow when
     * those are many: a builder sized exactly to a big string would double as soon as one more field came.
     */
    private static void reserve(final StringBuilder out, final int chars)
    {
        final long needed = (long)out.length() + chars;
        if (needed > out.capacity())
        {
            out.ensureCapacity((int)Math.min(Integer.MAX_VALUE - 16, needed +
                (chars > HEADROOM_CHARS ? HEADROOM_CHARS : 0)));
        }
    }

    /** The length of {@code value} once escaped by {@link #string}, without its quotes. */
    static int escapedLength(final String value)
    {
        long length = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            length += c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ? 2 : c < 0x20 ? 6 : 1;
        }
        return (int)Math.min(length, Integer.MAX_VALUE - 16);
    }
}
