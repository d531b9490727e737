package org.structhist;

import org.structhist.reader.Event;
import org.structhist.reader.EventStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a correct {@link RefCounter} history must hold whatever the order in which its threads logged: the
 * counts its CASes produced form one walk from 1 to 0, so each step up to {@code k} has its step down from
 * {@code k}, and exactly one UNREF reached 0, followed by one DESTROY.
 */
public final class RefCounterHistories
{
    private RefCounterHistories()
    {
    }

    /** {@code refPairs}: the ref/unref pairs taken on top of the creator's reference. */
    public static void assertConsistent(final List<Event> events, final int refPairs)
    {
        assertEquals(2 + 2 * refPairs + 1, events.size(), "every event is kept");
        final Map<Integer, Integer> refsTo = new HashMap<>();
        final Map<Integer, Integer> unrefsTo = new HashMap<>();
        int destroys = 0;
        for (final Event event : events)
        {
            assertEquals(EventStatus.VALID, event.status());
            assertTrue(event.hasCount(), "every event carries its count: " + event);
            assertTrue(event.count() >= 0, "no count below 0: " + event);
            switch (event.verb())
            {
                case "REF" -> refsTo.merge(event.count(), 1, Integer::sum);
                case "UNREF" -> unrefsTo.merge(event.count(), 1, Integer::sum);
                case "DESTROY" ->
                {
                    destroys++;
                    assertEquals(0, event.count(), "DESTROY at 0");
                }
                default -> throw new AssertionError("unexpected event " + event);
            }
        }
        assertEquals(1, destroys, "one DESTROY");
        assertEquals(1, refsTo.getOrDefault(1, 0), "one REF to 1: the creation; a ref from 0 would be another");
        assertEquals(1, unrefsTo.getOrDefault(0, 0), "exactly one UNREF reached 0");
        for (final Map.Entry<Integer, Integer> up : refsTo.entrySet())
        {
            assertEquals(up.getValue(), unrefsTo.getOrDefault(up.getKey() - 1, 0),
                "steps up to " + up.getKey() + " and steps down from it");
        }
        assertEquals(refsTo.values().stream().mapToInt(Integer::intValue).sum(),
            unrefsTo.values().stream().mapToInt(Integer::intValue).sum(), "as many steps down as up");
    }
}
