package org.structhist.audit;

import org.junit.jupiter.api.Test;
import org.structhist.Effect;
import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.structhist.audit.RefcountReplay.UNKNOWN;

/** The forward replay fed one event at a time, as {@code shdump tail} feeds it (the audit's refcounts run it too). */
class RefcountReplayTest
{
    @Test
    void fromTheBirthEachValidEventAppliesItsEffect()
    {
        final RefcountReplay replay = RefcountReplay.startingAt(0);
        assertEquals(1, replay.next(event(0, Effect.REF)));
        assertEquals(2, replay.next(event(1, Effect.REF)));
        assertEquals(1, replay.next(event(2, Effect.UNREF)));
        assertEquals(1, replay.next(event(3, Effect.NONE)));
        assertEquals(1, replay.next(event(4, Effect.DESTROY)));
        assertEquals(0, replay.next(event(5, Effect.UNREF)));
    }

    @Test
    void startedAfterTheBirthTheRefcountIsNeverKnown()
    {
        final RefcountReplay replay = RefcountReplay.startingAt(3);
        assertEquals(UNKNOWN, replay.next(event(3, Effect.REF)));
        assertEquals(UNKNOWN, replay.next(event(4, Effect.UNREF)));
    }

    @Test
    void aSkippedPositionLosesTheRefcountFromThereOn()
    {
        final RefcountReplay replay = RefcountReplay.startingAt(0);
        assertEquals(1, replay.next(event(0, Effect.REF)));
        assertEquals(UNKNOWN, replay.next(event(2, Effect.REF)));
        assertEquals(UNKNOWN, replay.next(event(3, Effect.UNREF)));
    }

    @Test
    void aRecordThatIsNotValidLosesTheRefcountFromThereOn()
    {
        for (final EventStatus status : EventStatus.values())
        {
            if (status == EventStatus.VALID)
            {
                continue;
            }
            final RefcountReplay replay = RefcountReplay.startingAt(0);
            assertEquals(1, replay.next(event(0, Effect.REF)));
            assertEquals(UNKNOWN, replay.next(event(1, status, Effect.NONE)), status.name());
            assertEquals(UNKNOWN, replay.next(event(2, Effect.REF)), status.name());
        }
    }

    private static Event event(final int position, final Effect effect)
    {
        return event(position, EventStatus.VALID, effect);
    }

    private static Event event(final int position, final EventStatus status, final Effect effect)
    {
        return new Event(position, status, position, position, 100, 1, "main", effect.name(), effect, "", new long[0],
            null, false, false, null, Event.NO_COUNT);
    }
}
