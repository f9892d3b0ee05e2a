package io.coffer.plugin.kit.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a suite that needs a real server does when that server is not installed: skip, saying so, on
 * a developer's machine; fail when {@code COFFER_REQUIRE_SERVERS=1} (bin/test and CI set it), so
 * that a green run means every engine was really tested. Shared by the plugins' and the conformance
 * tests through this module's test-jar.
 */
public final class Prerequisites {
  public static final String VARIABLE = "COFFER_REQUIRE_SERVERS";

  private Prerequisites() {}

  /**
   * Skips (or fails, when servers are required) unless {@code present}; {@code missing} says what
   * to install.
   */
  public static void require(boolean present, String missing) {
    if (present) {
      return;
    }
    if (required()) {
      Assertions.fail(missing + " (" + VARIABLE + "=1: every suite must run)");
    }
    Assumptions.abort(missing);
  }

  /** The same for a server that is installed but cannot be started or used here. */
  public static void unusable(String why) {
    require(false, why);
  }

  private static boolean required() {
    return "1".equals(System.getenv(VARIABLE));
  }
}
