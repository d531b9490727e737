package org.structhist.reader;

/** What a reader can say of one event record it expected to find. */
public enum EventStatus
{
    /** Committed: stamp right before and after the copy, checksum right (or not kept by the list). */
    VALID,
    /**
     * Not committed as this position: its writer is writing it now, died before it finished, or (with
     * several threads on one object) was overtaken by the ring before committing a claim from an earlier
     * lap and stamped its own position over this one, so this event is lost. Never shown as an event.
     * The record's pid field is a hint, not proof: it may hold the pid of another event of that record.
     */
    IN_FLIGHT,
    /** It changed under the reader on every attempt: a writer is overwriting it right now. */
    TORN,
    /** The stamp is right but the checksum is not: a stray write, or two writers' fields mixed. */
    CHECKSUM_MISMATCH,
    /** The stamp is one no writer could have left in that record: a stray write into the file. */
    CORRUPT
}
