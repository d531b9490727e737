package org.structhist.shdump.audit;

/** What {@code shdump check} reports. The flag is the short form shown in {@code objects}. */
public enum AnomalyKind
{
    USE_AFTER_DESTROY("UAD", "event after DESTROY (use after free)"),
    REFCOUNT_BELOW_ZERO("NEG", "refcount below zero"),
    DOUBLE_DESTROY("DD", "DESTROY twice"),
    DESTROY_WITH_REFS("DWR", "DESTROY while references remain"),
    LEAK_AT_DEATH("LEAK", "still live, and every process that used it is dead (leak at death)"),
    STALE_HANDLE_EVENTS("STALE", "events through stale handles of this slot's earlier occupants were refused"),
    WRITER_DIED_MID_RECORD("DIED", "a writer died mid-record"),
    CORRUPT_RECORD("CORRUPT", "a record fails its checksum or stamp (stray write)");

    private final String flag;
    private final String description;

    AnomalyKind(final String flag, final String description)
    {
        this.flag = flag;
        this.description = description;
    }

    public String flag()
    {
        return flag;
    }

    public String description()
    {
        return description;
    }
}
