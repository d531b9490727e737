package org.structhist.render;

/**
 * How rendered text is coloured: shdump colours on a terminal (its {@code Style}), everything else that
 * renders a history (the JUnit extension's failure messages) is {@link #PLAIN}.
 */
public interface TextStyle
{
    /** No colour: every method returns its text unchanged. */
    TextStyle PLAIN = new TextStyle()
    {
    };

    default String bold(final String text)
    {
        return text;
    }

    default String dim(final String text)
    {
        return text;
    }

    default String red(final String text)
    {
        return text;
    }

    default String yellow(final String text)
    {
        return text;
    }

    default String green(final String text)
    {
        return text;
    }

    default String cyan(final String text)
    {
        return text;
    }
}
