package org.structhist.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * A fenced code block of a Markdown file: its info string (the language after the opening fence), its
 * lines, and where it is, so a failure can name the block a reader would look at.
 */
final class FencedBlock
{
    /** The info string, e.g. {@code java}, {@code text}; empty when the fence has none. */
    final String info;
    /** 1-based line of the opening fence. */
    final int openingLine;
    /** 1-based line of the closing fence. */
    final int closingLine;
    /** The nearest heading above the block, without its #s; empty before the first heading. */
    final String section;
    final List<String> lines;

    private FencedBlock(
        final String info, final int openingLine, final int closingLine, final String section, final List<String> lines)
    {
        this.info = info;
        this.openingLine = openingLine;
        this.closingLine = closingLine;
        this.section = section;
        this.lines = lines;
    }

    /** 1-based line in the file of the block's {@code index}th line (0-based). */
    int fileLine(final int index)
    {
        return openingLine + 1 + index;
    }

    /** The language: the info string's first word ({@code java} of {@code java requires-jdk=21}). */
    String language()
    {
        final int space = info.indexOf(' ');
        return space < 0 ? info : info.substring(0, space);
    }

    /** Whether the info string has this word, as {@code java continued} has {@code continued}. */
    boolean hasWord(final String word)
    {
        return List.of(info.split("\\s+")).contains(word);
    }

    /** The value of a {@code name=value} word of the info string, or null. */
    String attribute(final String name)
    {
        for (final String word : info.split("\\s+"))
        {
            if (word.startsWith(name + "="))
            {
                return word.substring(name.length() + 1);
            }
        }
        return null;
    }

    String where(final String fileName)
    {
        return fileName + " line " + openingLine + (section.isEmpty() ? "" : " (section \"" + section + "\")");
    }

    /** The fenced blocks of a Markdown text, in order. Only ``` fences at the start of a line are recognised. */
    static List<FencedBlock> parse(final List<String> fileLines)
    {
        final List<FencedBlock> blocks = new ArrayList<>();
        String section = "";
        int i = 0;
        while (i < fileLines.size())
        {
            final String line = fileLines.get(i);
            if (line.startsWith("#"))
            {
                section = line.replaceFirst("^#+\\s*", "").trim();
            }
            if (!line.startsWith("```"))
            {
                i++;
                continue;
            }
            final String info = line.substring(3).trim();
            final List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < fileLines.size() && !fileLines.get(j).startsWith("```"))
            {
                body.add(fileLines.get(j));
                j++;
            }
            if (j == fileLines.size())
            {
                throw new IllegalArgumentException("the fence opened at line " + (i + 1) + " is never closed");
            }
            blocks.add(new FencedBlock(info, i + 1, j + 1, section, List.copyOf(body)));
            i = j + 1;
        }
        return blocks;
    }
}
