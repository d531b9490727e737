package org.structhist.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Opens the JDK access Agrona needs (the package {@code jdk.internal.misc} of java.base) to the unnamed
 * module of each class loader that loads Agrona, so no {@code --add-exports} flag is needed: the agent's
 * own (relocated) copy at start, and any copy the application brings (a nested-jar launcher's class
 * loader included) when its first class loads, before that class is defined.
 */
final class JdkAccess implements ClassFileTransformer
{
    /** Agrona as applications ship it; the agent's own relocated copy is opened at start. */
    private static final String AGRONA_PACKAGE_PREFIX = "org/agrona/";
    private static final String EXPORTED_PACKAGE = "jdk.internal.misc";

    private final Instrumentation instrumentation;
    private final Set<ClassLoader> opened = Collections.newSetFromMap(new WeakHashMap<>());

    JdkAccess(final Instrumentation instrumentation)
    {
        this.instrumentation = instrumentation;
    }

    /** Exports jdk.internal.misc to the unnamed module of {@code loader}. */
    void openTo(final ClassLoader loader)
    {
        final Module unnamed = loader.getUnnamedModule();
        instrumentation.redefineModule(
            Object.class.getModule(),
            Set.of(),
            Map.of(EXPORTED_PACKAGE, Set.of(unnamed)),
            Map.of(),
            Set.of(),
            Map.of());
    }

    @Override
    public byte[] transform(
        final ClassLoader loader,
        final String className,
        final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain,
        final byte[] classfileBuffer)
    {
        if (loader != null && className != null && className.startsWith(AGRONA_PACKAGE_PREFIX))
        {
            final boolean first;
            synchronized (opened)
            {
                first = opened.add(loader);
            }
            if (first)
            {
                try
                {
                    openTo(loader);
                }
                catch (final RuntimeException ex)
                {
                    System.err.println("structhist-agent: could not export java.base/" + EXPORTED_PACKAGE +
                        " to " + loader + " (" + ex + "); Agrona there needs --add-exports");
                }
            }
        }
        return null; // never changes a class
    }
}
