package org.structhist.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated test class or method with {@link StructHistoryExtension}: after each test the
 * histories of the objects it created are audited, and the test fails with them when one is wrong or
 * still live.
 * <pre>{@code
 * @StructHistoryTest
 * class ConnectionPoolTest { ... }
 *
 * @Test
 * @StructHistoryTest(allowLive = true) // the pool outlives this test on purpose
 * void poolIsSharedByTheNextTests() { ... }
 * }</pre>
 * On a method it overrides the class's {@link #allowLive}.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(StructHistoryExtension.class)
public @interface StructHistoryTest
{
    /**
     * Whether objects still live when the test ends are allowed (fixtures that outlive a test): their
     * refcount anomalies still fail it, their being live does not.
     */
    boolean allowLive() default false;
}
