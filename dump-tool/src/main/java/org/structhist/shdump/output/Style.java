package org.structhist.shdump.output;

import org.structhist.render.TextStyle;
import picocli.CommandLine;

/**
 * Colour, only on a terminal and never with {@code --no-color} (or NO_COLOR set): picocli's ANSI
 * support decides, so piped output and files stay plain text.
 */
public final class Style implements TextStyle
{
    private final CommandLine.Help.Ansi ansi;

    public Style(final boolean color)
    {
        this.ansi = color ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF;
    }

    public static Style plain()
    {
        return new Style(false);
    }

    public boolean enabled()
    {
        return ansi.enabled();
    }

    @Override
    public String bold(final String text)
    {
        return apply("bold", text);
    }

    @Override
    public String dim(final String text)
    {
        return apply("faint", text);
    }

    @Override
    public String red(final String text)
    {
        return apply("bold,red", text);
    }

    @Override
    public String yellow(final String text)
    {
        return apply("yellow", text);
    }

    @Override
    public String green(final String text)
    {
        return apply("green", text);
    }

    @Override
    public String cyan(final String text)
    {
        return apply("cyan", text);
    }

    private String apply(final String styles, final String text)
    {
        if (!ansi.enabled() || text.isEmpty())
        {
            return text;
        }
        return ansi.string("@|" + styles + " " + text.replace("|@", "| @") + "|@");
    }
}
