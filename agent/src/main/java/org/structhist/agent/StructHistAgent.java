package org.structhist.agent;

import java.lang.instrument.Instrumentation;

/**
 * {@code java -javaagent:structhist-agent.jar[=file=PATH,window=N,events=N,stacks=true|false,clock=exact|coarse]}:
 * records the history of every reference-counted Netty object into a struct-history file, with no code
 * change (see the README's "Netty" section).
 * <p>
 * Order matters: the switch ({@code -Dstructhist=true}) is set and java.base's {@code jdk.internal.misc}
 * exported before any struct-history or Agrona class loads (struct history reads its switch into a
 * static final, Agrona reaches Unsafe in its static initialisers); Netty is instrumented last. This class
 * therefore names no struct-history type: {@link Recording} does.
 */
public final class StructHistAgent
{
    private static final String SWITCH = "structhist";

    private StructHistAgent()
    {
    }

    public static void premain(final String args, final Instrumentation instrumentation)
    {
        final AgentOptions options;
        try
        {
            options = AgentOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("structhist-agent: " + ex.getMessage() + "; recording nothing");
            return;
        }
        if ("false".equalsIgnoreCase(System.getProperty(SWITCH)))
        {
            System.err.println("structhist-agent: -D" + SWITCH + "=false: recording nothing");
            return;
        }
        System.setProperty(SWITCH, "true");

        final JdkAccess access = new JdkAccess(instrumentation);
        try
        {
            access.openTo(StructHistAgent.class.getClassLoader());
            instrumentation.addTransformer(access);
        }
        catch (final RuntimeException ex)
        {
            System.err.println("structhist-agent: could not export java.base/jdk.internal.misc (" + ex +
                "); recording nothing");
            return;
        }

        final String failure;
        try
        {
            failure = Recording.start(options);
        }
        catch (final LinkageError ex)
        {
            System.err.println("structhist-agent: struct-history could not load (" + ex + "); recording nothing");
            return;
        }
        if (failure != null)
        {
            System.err.println("structhist-agent: " + failure + "; recording nothing");
            return;
        }
        try
        {
            NettyInstrumentation.install(instrumentation);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            System.err.println("structhist-agent: could not instrument Netty (" + ex + "); recording nothing");
        }
    }
}
