package org.structhist.junit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;

/**
 * Fails a test whose objects' refcount histories are wrong, or still live when it ends, and shows them.
 * <pre>{@code
 * @ExtendWith(StructHistoryExtension.class)   // or @StructHistoryTest
 * class ConnectionTest { ... }
 * }</pre>
 * <b>The file.</b> Every test of a JVM records into one history file: the library's default file, which
 * struct-history-junit's launcher session listener points at a fresh file in a private temporary directory
 * (and switches struct history on) before any test class is loaded. So code under test that opens the
 * default file ({@code HistoryFile.openDefault()}, a {@code RefCounter} on one of its lists, offheap-alloc's
 * automatic history), lists kept in static fields included, is covered without being changed. The file is
 * deleted when the JVM exits, unless a test failed: then every failure message names it.
 * <p>
 * <b>Whose objects.</b> Before each test the extension notes each list's push count and the time; after it
 * (after the test's own {@code @AfterEach} methods) it audits every object pushed since, in every list of the
 * file, that is this test's: one pushed by the thread that ran the test while it ran, or by any other
 * thread or process while it ran and no other test did. With JUnit's parallel execution, tests of other
 * classes and methods keep running meanwhile (nothing is serialised); each object is told apart by the
 * thread that pushed it. An object pushed by a helper thread while several tests ran cannot be told apart:
 * if it is wrong or live, every test it may belong to fails, saying so.
 * <p>
 * <b>The verdict.</b> The library's audit ({@code HistoryAudit}) judges each history; any anomaly that is a
 * bug (not information about the window) fails the test, and so does an object still live at its end unless
 * {@link StructHistoryTest#allowLive()}. The {@link AssertionError} holds the anomaly lines, each such
 * object's history as {@code shdump --obj} prints it, and the command that opens the kept file. A test that
 * pushed more objects into a list than its window keeps cannot be audited whole, and fails saying so.
 */
public final class StructHistoryExtension implements BeforeEachCallback, AfterEachCallback
{
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(StructHistoryExtension.class);
    private static final String WINDOW = "window";

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        final String problem = JvmSession.problem();
        if (problem != null)
        {
            throw new AssertionError(problem);
        }
        final TestWindow window = new TestWindow(testName(context), Thread.currentThread(), System.nanoTime(),
            TestAudit.pushCounts(JvmSession.file()));
        JvmSession.WINDOWS.open(window);
        context.getStore(NAMESPACE).put(WINDOW, window);
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        final TestWindow window = context.getStore(NAMESPACE).remove(WINDOW, TestWindow.class);
        if (window == null)
        {
            return; // beforeEach failed, and said why
        }
        JvmSession.WINDOWS.close(window, System.nanoTime());
        final String failure;
        try
        {
            failure = new TestAudit(JvmSession.file(), window, JvmSession.WINDOWS, allowLive(context)).run();
        }
        finally
        {
            JvmSession.WINDOWS.audited(window);
        }
        if (failure != null)
        {
            JvmSession.markFailed();
            throw new AssertionError(failure);
        }
    }

    private static String testName(final ExtensionContext context)
    {
        return context.getTestClass().map(Class::getSimpleName).orElse("?") + "." +
            context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName()) +
            (context.getDisplayName().startsWith("[") ? " " + context.getDisplayName() : "");
    }

    /** The nearest {@link StructHistoryTest}'s choice: the method's, else its class's, else an enclosing class's. */
    private static boolean allowLive(final ExtensionContext context)
    {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent())
        {
            final Optional<StructHistoryTest> found = c.get().getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, StructHistoryTest.class));
            if (found.isPresent())
            {
                return found.get().allowLive();
            }
        }
        return false;
    }
}
