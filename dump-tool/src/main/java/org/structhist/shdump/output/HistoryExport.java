package org.structhist.shdump.output;

import org.structhist.audit.AuditedHistory;

import java.io.IOException;

/**
 * One export format of {@code shdump export}. Histories are handed over one at a time, so an export
 * of a whole window never holds more than one history in memory.
 */
public interface HistoryExport
{
    /** Writes what comes before the first history. */
    void begin(Appendable out) throws IOException;

    /** Writes one audited history. */
    void history(Appendable out, AuditedHistory history) throws IOException;

    /** Writes what comes after the last history. */
    void end(Appendable out) throws IOException;
}
