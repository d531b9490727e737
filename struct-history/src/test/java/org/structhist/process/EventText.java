package org.structhist.process;

import org.structhist.reader.Event;

import java.util.Arrays;

/** Events as failure messages need them: {@link Event#toString()} shows its arguments as an array id. */
final class EventText
{
    private EventText()
    {
    }

    static String of(final Event event)
    {
        return "[position " + event.position() + " " + event.status() + " pid " + event.pid() + " thread " +
            event.threadId() + " verb " + event.verb() + " args " + Arrays.toString(event.args()) + " '" +
            (event.status() == org.structhist.reader.EventStatus.VALID ? event.message() : "") + "']";
    }
}
