package org.structhist.format;

/**
 * What a creator asks of a new history file's layout: its size and how many entries each table holds.
 * The format layer plans from these plain values alone, so it does not depend on the API's
 * {@code FileOptions}, which checks them and translates itself into one.
 *
 * @param sizeBytes           the whole file; rounded down to a page by {@link FileLayout#plan}
 * @param maxLists            entries of the list directory
 * @param maxWriters          entries of the writer registry
 * @param maxThreads          entries of the thread table
 * @param maxVerbs            entries of the verb table
 * @param stringIndexCapacity slots of the string index, a power of two
 * @param stringDataBytes     bytes for the interned strings themselves
 */
public record LayoutRequest(
    long sizeBytes,
    int maxLists,
    int maxWriters,
    int maxThreads,
    int maxVerbs,
    int stringIndexCapacity,
    int stringDataBytes)
{
}
