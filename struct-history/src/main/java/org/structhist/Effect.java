package org.structhist;

/**
 * What a verb does to the object's reference count. Readers compute a running refcount from it and
 * {@code shdump check} audits it (unref below zero, an event after DESTROY, DESTROY while refs remain).
 */
public enum Effect
{
    /** No effect on the refcount: a hand-off, a read, a note. */
    NONE(0),
    /** One more reference. */
    REF(1),
    /** One reference fewer. */
    UNREF(2),
    /** The object is destroyed: any later event is a use after destroy. */
    DESTROY(3),
    /**
     * One of the logging thread's references is handed to another owner (a worker, a queue, another
     * process): the count does not change, but the reference is no longer the logger's to drop. The audit
     * uses it to say whose unref was one too many; a reader that does not know it reads it as NONE.
     */
    HANDOFF(4),
    /**
     * The library caught a bug on the object where it happened and refused the operation (a ref from zero,
     * an unref below zero, a double free, a use after free): the event itself is the evidence, whatever the
     * clocks say. No change to the count. A reader that does not know it reads it as NONE.
     */
    CAUGHT(5);

    private final int code;

    Effect(final int code)
    {
        this.code = code;
    }

    /** The code stored in the file's verb table. */
    public int code()
    {
        return code;
    }

    /** The effect of a code read from a file; {@link #NONE} for one this version does not know. */
    public static Effect ofCode(final int code)
    {
        switch (code)
        {
            case 1: return REF;
            case 2: return UNREF;
            case 3: return DESTROY;
            case 4: return HANDOFF;
            case 5: return CAUGHT;
            default: return NONE;
        }
    }
}
