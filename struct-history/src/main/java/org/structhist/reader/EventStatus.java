package org.structhist.reader;

/** What a reader can say of one event record it expected to find. */
public enum EventStatus
{
    /** Committed: stamp right before and after the copy, checksum right (or not kept by the list). */
    VALID,
    /**
     * Claimed but not committed: the writer is writing it now, or died before it finished. The
     * record's pid field is a hint, not proof: it may still hold the pid of the record's previous event.
     */
    IN_FLIGHT,
    /** It changed under the reader on every attempt: a writer is overwriting it right now. */
    TORN,
    /** The stamp is right but the checksum is not: a stray write, or two writers' fields mixed. */
    CHECKSUM_MISMATCH,
    /** The stamp is one no writer could have left in that record: a stray write into the file. */
    CORRUPT
}
