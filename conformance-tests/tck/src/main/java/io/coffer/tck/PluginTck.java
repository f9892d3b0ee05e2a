package io.coffer.tck;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole TCK for one plugin. A plugin's test extends it and gives its {@link DatastoreProvider};
 * every suite then runs, and each runs only what the loaded plugin declares: a suite whose
 * capability is not declared is skipped with "AREA: not declared by the ENGINE plugin", never
 * passed in silence. When all suites are done, the per-capability {@link TckReport} is printed and
 * written to {@code target/coffer-tck/ENGINE.txt}.
 *
 * <p>The suites run in order, lifecycle and basics first: a suite whose area the plugin does not
 * declare then starts no server at all.
 *
 * <p>To add engine-specific checks to a suite, declare a {@code @Nested} class in the subclass that
 * extends that suite (e.g. {@code class Gtid extends PointInTimeTck}); it replaces the generic one,
 * whose place in the report says so.
 *
 * <pre>{@code
 * class MyEngineTckIT extends PluginTck {
 *   protected DatastoreProvider provider() { return new MyEngineProvider(); }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
public abstract class PluginTck {
  private DatastoreProvider provider;

  /** The plugin's provider; called once per suite. */
  protected abstract DatastoreProvider provider();

  @BeforeAll
  void checkPrerequisites() {
    provider =
        provider(); // a provider whose server is missing skips the whole TCK, with its reason
  }

  @AfterAll
  void publishReport() {
    if (provider != null) {
      TckReport.publish(provider.engine());
    }
  }

  @Nested
  @Order(1)
  @DisplayName("lifecycle, databases, users, root")
  @ExtendWith(Replaceable.class)
  class Basics extends DatastoreTck {
    @Override
    protected DatastoreProvider provider() {
      return PluginTck.this.provider();
    }
  }

  @Nested
  @Order(2)
  @DisplayName("configuration")
  @ExtendWith(Replaceable.class)
  class Configuration extends ConfigurationTck {
    @Override
    protected DatastoreProvider provider() {
      return PluginTck.this.provider();
    }
  }

  @Nested
  @Order(3)
  @DisplayName("backup")
  @ExtendWith(Replaceable.class)
  class Backup extends BackupTck {
    @Override
    protected DatastoreProvider provider() {
      return PluginTck.this.provider();
    }
  }

  @Nested
  @Order(4)
  @DisplayName("point-in-time")
  @ExtendWith(Replaceable.class)
  class PointInTime extends PointInTimeTck {
    @Override
    protected DatastoreProvider provider() {
      return PluginTck.this.provider();
    }
  }

  @Nested
  @Order(5)
  @DisplayName("replication")
  @ExtendWith(Replaceable.class)
  class Replication extends ReplicationTck {
    @Override
    protected DatastoreProvider provider() {
      return PluginTck.this.provider();
    }
  }

  @Nested
  @Order(6)
  @DisplayName("cluster")
  @ExtendWith(Replaceable.class)
  class Cluster extends ClusterTck {
    @Override
    protected DatastoreProvider provider() {
      return PluginTck.this.provider();
    }
  }

  /**
   * Steps a generic suite aside when the plugin's test declares its own {@code @Nested} class
   * extending the same suite, so the suite runs once, with the engine's extra checks.
   */
  static final class Replaceable implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getTestMethod().isPresent() || context.getTestClass().isEmpty()) {
        return ConditionEvaluationResult.enabled("not a suite");
      }
      Class<?> generic = context.getTestClass().get();
      Optional<Class<?>> owner = context.getParent().flatMap(ExtensionContext::getTestClass);
      Optional<Class<?>> replacement = owner.flatMap(o -> replacement(o, generic));
      return replacement
          .map(
              r ->
                  ConditionEvaluationResult.disabled(
                      "replaced by " + r.getName().replace('$', '.')))
          .orElseGet(
              () ->
                  ConditionEvaluationResult.enabled(
                      "no engine-specific " + generic.getSimpleName()));
    }

    private static Optional<Class<?>> replacement(Class<?> owner, Class<?> generic) {
      Class<?> suite = generic.getSuperclass();
      for (Class<?> c = owner; c != null && c != PluginTck.class; c = c.getSuperclass()) {
        Optional<Class<?>> found =
            Arrays.stream(c.getDeclaredClasses())
                .filter(
                    n ->
                        n.isAnnotationPresent(Nested.class) && !Modifier.isStatic(n.getModifiers()))
                .filter(n -> n != generic && suite.isAssignableFrom(n))
                .findFirst();
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
  }
}
