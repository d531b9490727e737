package org.structhist.process;

import org.structhist.History;
import org.structhist.HistoryFile;
import org.structhist.HistoryList;
import org.structhist.ListOptions;

import java.nio.file.Paths;

/**
 * Child of {@link StaleHandleAcrossProcessesTest}.
 * <ul>
 * <li>{@code push FILE}: pushes {@link #ADDRESS_A}, logs {@link #BIRTH_EVENTS} events to it and prints
 * {@code HANDLE hex}.</li>
 * <li>{@code log FILE HANDLE}: logs {@link #STALE_EVENTS} events through that handle, half through a
 * {@link History}, half through the list's handle calls, and prints {@code DONE}.</li>
 * <li>{@code unref FILE HANDLE}: through that handle, {@link #STALE_REFS} REFs and {@link #STALE_UNREFS}
 * UNREFs with their counts, as a holder that kept using the object after the window pushed it out, and
 * prints {@code DONE}.</li>
 * </ul>
 */
public final class StaleHandleChild
{
    static final String LIST = "stale handles";
    static final int WINDOW = 2;
    static final ListOptions OPTIONS = ListOptions.window(WINDOW).eventsPerObject(16).pinnedFirst(4);
    static final long ADDRESS_A = 0xa0a0_0000L;
    static final int BIRTH_EVENTS = 3;
    static final int STALE_EVENTS = 100;
    static final String FORMAT = "from %d seq %d";
    static final int STALE_REFS = 2;
    static final int STALE_UNREFS = 5;
    /** First argument of the events of each role: who logged it. */
    static final long ROLE_PUSHER = 1;
    static final long ROLE_STALE_WRITER = 2;
    static final long ROLE_PARENT = 3;

    /** Verbs that change the count: what a stale holder logs is still its object's refcount. */
    enum RefEffectVerb implements org.structhist.Verb
    {
        STALE_REF(org.structhist.Effect.REF),
        STALE_UNREF(org.structhist.Effect.UNREF);

        private final org.structhist.Effect effect;

        RefEffectVerb(final org.structhist.Effect effect)
        {
            this.effect = effect;
        }

        @Override
        public org.structhist.Effect effect()
        {
            return effect;
        }
    }

    private StaleHandleChild()
    {
    }

    public static void main(final String[] args)
    {
        ChildSupport.startWatchdog();
        final HistoryFile file = HistoryFile.open(Paths.get(args[1]));
        final HistoryList list = file.list(LIST, OPTIONS);
        switch (args[0])
        {
            case "push":
            {
                final History a = list.push(ADDRESS_A);
                for (int i = 0; i < BIRTH_EVENTS; i++)
                {
                    a.log(ChildVerb.WRITE, FORMAT, ROLE_PUSHER, i);
                }
                ChildSupport.println("HANDLE " + Long.toHexString(a.handle()));
                break;
            }
            case "log":
            {
                final long handle = Long.parseUnsignedLong(args[2], 16);
                if (!list.owns(handle))
                {
                    throw new IllegalStateException("list does not own handle " + args[2]);
                }
                final History stale = list.history(handle);
                for (int i = 0; i < STALE_EVENTS; i++)
                {
                    if ((i & 1) == 0)
                    {
                        stale.log(ChildVerb.WRITE, FORMAT, ROLE_STALE_WRITER, i);
                    }
                    else
                    {
                        list.log(handle, ChildVerb.WRITE, FORMAT, ROLE_STALE_WRITER, i);
                    }
                }
                break;
            }
            case "unref":
            {
                final History stale = list.history(Long.parseUnsignedLong(args[2], 16));
                int count = 1;
                for (int i = 0; i < STALE_REFS; i++)
                {
                    stale.log(RefEffectVerb.STALE_REF, ++count, FORMAT, ROLE_STALE_WRITER, i);
                }
                for (int i = 0; i < STALE_UNREFS; i++)
                {
                    stale.log(RefEffectVerb.STALE_UNREF, --count, FORMAT, ROLE_STALE_WRITER, i);
                }
                break;
            }
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        file.close();
        ChildSupport.println("DONE");
    }
}
