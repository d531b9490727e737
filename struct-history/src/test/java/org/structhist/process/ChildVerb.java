package org.structhist.process;

import org.structhist.Effect;
import org.structhist.Verb;

/**
 * The verbs the child processes log. Kept here rather than reusing another test's enum so these
 * tests do not change when that one does; none touches the refcount, the tests check order, not refs.
 */
enum ChildVerb implements Verb
{
    /** An event from a writer that the test counts: its arguments say who wrote it and in what order. */
    WRITE,
    /** An event written by the test JVM itself. */
    PARENT_NOTE;

    @Override
    public Effect effect()
    {
        return Effect.NONE;
    }
}
