package io.coffer.tck;

import io.coffer.proto.v1.InstanceStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  /** What each plugin declared, by engine and plugins directory, as earlier suites saw it. */
  private static final Map<String, Declared> SEEN = new ConcurrentHashMap<>();

  /**
   * Whether an earlier suite of this JVM saw the plugin leave {@code suiteArea} undeclared. The
   * suite then starts no server at all (a Cassandra node takes 20 s to start only to be told no),
   * and its tests are skipped as after {@link #declare}.
   */
  protected final boolean knownUndeclared(DatastoreProvider provider, Area suiteArea) {
    Declared seen = SEEN.get(key(provider));
    if (seen == null || seen.has(suiteArea)) {
      return false;
    }
    declared = seen;
    TckReport.notDeclared(seen.engine(), suiteArea, seen.notDeclared(suiteArea));
    return true;
  }

  private static String key(DatastoreProvider provider) {
    return provider.engine() + "@" + provider.pluginsDir().toAbsolutePath();
  }

  /**
   * Records what the instance's plugin declares, and whether it declares the suite's area. When it
   * does not, the suite sets up nothing more and each of its tests is skipped with "AREA: not
   * declared by the ENGINE plugin" (never a silent pass); the report says so too.
   */
  protected final boolean declare(InstanceStatus status, Area suiteArea) {
    declared = Declared.of(status);
    SEEN.put(key(provider()), declared);
    if (!declared.has(suiteArea)) {
      TckReport.notDeclared(declared.engine(), suiteArea, declared.notDeclared(suiteArea));
      return false;
    }
    return true;
  }
}
