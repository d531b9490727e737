package org.structhist.audit;

/**
 * What the audit reports. The flag is the short form {@code shdump objects} shows. Names and flags are
 * parsed by scripts: add kinds, never rename or remove one.
 */
public enum AnomalyKind
{
    USE_AFTER_DESTROY("UAD", "event after DESTROY (use after free)"),
    REFCOUNT_BELOW_ZERO("NEG", "refcount below zero"),
    DOUBLE_DESTROY("DD", "DESTROY twice"),
    DESTROY_WITH_REFS("DWR", "DESTROY while references remain"),
    LEAK_AT_DEATH("LEAK", "still live, and every process that used it is dead (leak at death)"),
    /** Information, not a bug: a holder kept logging through a handle after its object left the window. */
    STALE_HANDLE_EVENTS("STALE", "events through stale handles of an object that left the window " +
        "(information: the window is too small)", true),
    WRITER_DIED_MID_RECORD("DIED", "a writer died mid-record"),
    CORRUPT_RECORD("CORRUPT", "a record fails its checksum or stamp (stray write)"),
    REF_FROM_ZERO("ZERO", "reference taken after the count reached zero (resurrection)"),
    REACHED_ZERO_TWICE("ZERO2", "refcount reached zero twice"),
    PUSHED_WHILE_LIVE("TWICE", "address pushed again while its previous incarnation in this list is live " +
        "(handed out twice, or a destroy is missing)"),
    CAUGHT_BY_LIBRARY("CAUGHT", "the library caught a bug where it happened and refused the operation " +
        "(ref from zero, unref below zero, double free, use after free)");

    private final String flag;
    private final String description;
    private final boolean information;

    AnomalyKind(final String flag, final String description)
    {
        this(flag, description, false);
    }

    AnomalyKind(final String flag, final String description, final boolean information)
    {
        this.flag = flag;
        this.description = description;
        this.information = information;
    }

    public String flag()
    {
        return flag;
    }

    public String description()
    {
        return description;
    }

    /** Whether it is information about the file (the window) rather than a bug: it does not fail a check. */
    public boolean information()
    {
        return information;
    }
}
