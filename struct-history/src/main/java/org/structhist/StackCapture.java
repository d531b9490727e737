package org.structhist;

import java.util.stream.Collectors;

/**
 * The caller's stack as text, for lists created with {@link ListOptions#stacks(boolean)}: one frame a
 * line, from the caller of {@code log} outwards. Allocates; that is why stacks are off by default.
 */
final class StackCapture
{
    private static final int MAX_FRAMES = 32;
    private static final StackWalker WALKER = StackWalker.getInstance();

    private StackCapture()
    {
    }

    /** The frames of the logging call itself; whoever called it, even in org.structhist, is kept. */
    private static boolean isOwnFrame(final String className)
    {
        return className.equals(StackCapture.class.getName()) || className.equals(HistoryList.class.getName()) ||
            className.equals(History.class.getName());
    }

    static String capture()
    {
        return WALKER.walk(frames -> frames
            .dropWhile(f -> isOwnFrame(f.getClassName()))
            .limit(MAX_FRAMES)
            .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" +
            f.getLineNumber() + ")")
            .collect(Collectors.joining("\n")));
    }
}
