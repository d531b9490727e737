package org.structhist.shdump.output;

/**
 * Text from a history file made safe to put in an HTML page: in element content, in a quoted attribute
 * and inside inline SVG alike. The file may be hostile, so every string read from it goes through here,
 * and each is cut to a bounded length so that one huge message cannot make the page huge.
 */
public final class HtmlText
{
    /** Characters of one text from the file kept on the page; the rest is cut and marked with an ellipsis. */
    public static final int MAX_CHARS = 300;

    private HtmlText()
    {
    }

    /**
     * {@code text} with {@code & < > " '} as character references and control characters (which XML, and so
     * SVG, refuses) as U+FFFD; cut to {@link #MAX_CHARS}. Safe in element content and in attribute values
     * quoted with either quote.
     */
    public static String escape(final String text)
    {
        if (text == null)
        {
            return "";
        }
        final int length = Math.min(text.length(), MAX_CHARS);
        final StringBuilder sb = new StringBuilder(length + 16);
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '&': sb.append("&amp;"); break;
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default:
                    // Tabs and newlines read as spaces; other controls, and a surrogate cut in half, are not text.
                    if (c == '\t' || c == '\n' || c == '\r')
                    {
                        sb.append(' ');
                    }
                    else if (c < 0x20 || c == 0x7f || c == 0xfffe || c == 0xffff || loneSurrogate(text, i, length))
                    {
                        sb.append('\uFFFD');
                    }
                    else
                    {
                        sb.append(c);
                    }
            }
        }
        if (text.length() > MAX_CHARS)
        {
            sb.append('…');
        }
        return sb.toString();
    }

    private static boolean loneSurrogate(final String text, final int i, final int length)
    {
        final char c = text.charAt(i);
        return (Character.isHighSurrogate(c) && (i + 1 >= length || !Character.isLowSurrogate(text.charAt(i + 1)))) ||
            (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1))));
    }
}
