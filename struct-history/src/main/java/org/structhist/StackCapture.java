package org.structhist;

import java.util.stream.Collectors;

/**
 * The caller's stack as text, for lists created with {@link ListOptions#stacks(boolean)}: one frame a
 * line, structhist's own frames left out. Allocates; that is why stacks are off by default.
 */
final class StackCapture
{
    private static final int MAX_FRAMES = 32;
    private static final StackWalker WALKER = StackWalker.getInstance();

    private StackCapture()
    {
    }

    static String capture()
    {
        return WALKER.walk(frames -> frames
            .filter(f -> !f.getClassName().startsWith("org.structhist.") || f.getClassName().startsWith("org.structhist.demo"))
            .limit(MAX_FRAMES)
            .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
            .collect(Collectors.joining("\n")));
    }
}
