package io.coffer.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The area a suite or a test checks. A test runs only when the loaded plugin declares the area's
 * capability; otherwise it is skipped with "AREA: not declared by the ENGINE plugin", and the
 * report says so. On a method it overrides the suite's.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Checks {
  Area value();
}
