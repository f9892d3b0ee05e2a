package io.coffer.tck;

import java.util.List;
import java.util.Map;

/**
 * What the configuration suite sets on an engine.
 *
 * @param live a parameter the engine applies without a restart
 * @param liveValue a valid value for it, other than its default
 * @param liveShown how a client reads {@code liveValue} back (the engine may print it another way)
 * @param restart a parameter that needs a restart to take effect
 * @param restartValue a valid value for it, other than its default
 * @param restartShown how a client reads {@code restartValue} back
 * @param invalid values the engine must refuse, by parameter (each one alone is a change)
 * @param unknown names that are no settable parameter: misspelt, managed by the agent, injected
 * @param moreLive more live parameters with a value other than their default, each read back as
 *     written (letter case aside), e.g. parameters whose rules are easy to get wrong
 */
public record ConfigurationSamples(
    String live,
    String liveValue,
    String liveShown,
    String restart,
    String restartValue,
    String restartShown,
    List<Map.Entry<String, String>> invalid,
    List<String> unknown,
    List<Map.Entry<String, String>> moreLive) {

  public ConfigurationSamples(
      String live,
      String liveValue,
      String liveShown,
      String restart,
      String restartValue,
      String restartShown,
      List<Map.Entry<String, String>> invalid,
      List<String> unknown) {
    this(
        live,
        liveValue,
        liveShown,
        restart,
        restartValue,
        restartShown,
        invalid,
        unknown,
        List.of());
  }
}
