package org.structhist.render;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligned columns: rows are collected, then printed with each column as wide as its widest cell.
 * The last column is not padded (it holds free text: messages) unless it is right-aligned (a number).
 * Styling is applied after padding, so ANSI codes never skew the alignment.
 */
public final class Table
{
    /** How a cell is coloured once padded. */
    public interface Styler
    {
        String style(int column, String paddedCell, String[] row);
    }

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;

    public Table(final String... header)
    {
        this.header = header;
        this.rightAligned = new boolean[header.length];
    }

    public Table alignRight(final int... columns)
    {
        for (final int c : columns)
        {
            rightAligned[c] = true;
        }
        return this;
    }

    public Table row(final String... cells)
    {
        rows.add(cells);
        return this;
    }

    public boolean isEmpty()
    {
        return rows.isEmpty();
    }

    public void print(final PrintWriter out, final String indent, final TextStyle style, final Styler styler)
    {
        final int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++)
        {
            widths[c] = header[c].length();
        }
        for (final String[] row : rows)
        {
            for (int c = 0; c < row.length && c < widths.length; c++)
            {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println(indent + style.dim(line(header, widths)));
        for (final String[] row : rows)
        {
            printRow(out, indent, style, styler, widths, row);
        }
    }

    /**
     * Prints the header for rows that will come one at a time through {@link #printRow}, too many to
     * collect: each column is as wide as its header or {@code widths}, whichever is wider (a cell wider
     * than that only pushes the rest of its row).
     */
    public int[] printHeader(final PrintWriter out, final String indent, final TextStyle style, final int... widths)
    {
        final int[] actual = new int[header.length];
        for (int c = 0; c < header.length; c++)
        {
            actual[c] = Math.max(header[c].length(), c < widths.length ? widths[c] : 0);
        }
        out.println(indent + style.dim(line(header, actual)));
        return actual;
    }

    /** One row in the widths {@link #printHeader} returned. */
    public void printRow(final PrintWriter out, final String indent, final TextStyle style, final Styler styler,
        final int[] widths, final String... row)
    {
        final StringBuilder sb = new StringBuilder(indent);
        for (int c = 0; c < row.length; c++)
        {
            final String cell = c == row.length - 1 && !rightAligned[c] ? row[c] :
                pad(row[c], widths[c], rightAligned[c]);
            sb.append(c == 0 ? "" : "  ").append(styler == null ? cell : styler.style(c, cell, row));
        }
        out.println(sb);
    }

    private String line(final String[] cells, final int[] widths)
    {
        final StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++)
        {
            sb.append(c == 0 ? "" : "  ").append(c == cells.length - 1 && !rightAligned[c] ? cells[c] :
                pad(cells[c], widths[c], rightAligned[c]));
        }
        return sb.toString();
    }

    private static String pad(final String cell, final int width, final boolean right)
    {
        if (cell.length() >= width)
        {
            return cell;
        }
        final String spaces = " ".repeat(width - cell.length());
        return right ? spaces + cell : cell + spaces;
    }
}
