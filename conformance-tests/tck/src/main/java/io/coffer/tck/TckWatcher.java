package io.coffer.tck;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Runs a test only when the plugin declares the area it {@link Checks}, and counts each outcome
 * into the {@link TckReport}. Registered on {@link TckSuite}, so every suite has it.
 */
public final class TckWatcher implements ExecutionCondition, TestWatcher {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      return ConditionEvaluationResult.enabled("suites are gated once their first instance is up");
    }
    Optional<Declared> declared = suite(context).map(TckSuite::declared);
    Area area = area(context);
    if (declared.isPresent() && !declared.get().has(area)) {
      return ConditionEvaluationResult.disabled(declared.get().notDeclared(area));
    }
    return ConditionEvaluationResult.enabled(area.label() + " declared");
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    engine(context).ifPresent(e -> TckReport.passed(e, area(context)));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    engine(context)
        .ifPresent(
            e -> TckReport.failed(e, area(context), context.getRequiredTestMethod().getName()));
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    engine(context).ifPresent(e -> TckReport.skipped(e, area(context)));
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    suite(context)
        .map(TckSuite::declared)
        .ifPresent(
            d -> {
              Area area = area(context);
              if (d.has(area)) {
                TckReport.skipped(d.engine(), area);
              } else {
                TckReport.notDeclared(d.engine(), area, d.notDeclared(area));
              }
            });
  }

  private static Optional<TckSuite> suite(ExtensionContext context) {
    return context.getTestInstance().filter(TckSuite.class::isInstance).map(TckSuite.class::cast);
  }

  private static Optional<String> engine(ExtensionContext context) {
    return suite(context).map(TckSuite::declared).map(Declared::engine);
  }

  /** The method's {@link Checks}, else its suite's, else the lifecycle. */
  static Area area(ExtensionContext context) {
    return context
        .getTestMethod()
        .flatMap(TckWatcher::checks)
        .or(() -> context.getTestClass().flatMap(TckWatcher::checks))
        .orElse(Area.LIFECYCLE);
  }

  private static Optional<Area> checks(AnnotatedElement element) {
    return Optional.ofNullable(element.getAnnotation(Checks.class)).map(Checks::value);
  }
}
