package io.coffer.tck;

import io.coffer.proto.v1.InstanceStatus;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every TCK suite shares: the plugin's declared capabilities, read from the first instance the
 * suite starts, and the {@link TckWatcher} that gates tests on them and reports their outcomes.
 */
@ExtendWith(TckWatcher.class)
public abstract class TckSuite {
  private Declared declared;

  /** The plugin's provider. */
  protected abstract DatastoreProvider provider();

  /** What the plugin declares; null until the suite's first instance is up. */
  public final Declared declared() {
    return declared;
  }

  /**
   * Records what the instance's plugin declares, and whether it declares the suite's area. When it
   * does not, the suite sets up nothing more and each of its tests is skipped with "AREA: not
   * declared by the ENGINE plugin" (never a silent pass); the report says so too.
   */
  protected final boolean declare(InstanceStatus status, Area suiteArea) {
    declared = Declared.of(status);
    if (!declared.has(suiteArea)) {
      TckReport.notDeclared(declared.engine(), suiteArea, declared.notDeclared(suiteArea));
      return false;
    }
    return true;
  }
}
