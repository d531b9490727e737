package org.structhist.audit;

/** Where an incarnation's life stands, as far as its history shows. */
public enum LifeState
{
    /** Neither destroyed nor unref'd, and some process that used it is alive (or it is unknown). */
    LIVE,
    /** {@code unref()} was called: its owner is done with it. */
    UNREF,
    /** A DESTROY verb was logged. */
    DESTROYED,
    /** Neither destroyed nor unref'd, and every process that used it is dead. */
    LEAKED
}
