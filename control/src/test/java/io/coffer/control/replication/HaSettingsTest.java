package io.coffer.control.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HaSettingsTest {
  static HaSettings of(long windowMs, long maxLagMs, long leaseMs) {
    return new HaSettings(
        true, Duration.ofMillis(windowMs), Duration.ofMillis(maxLagMs), Duration.ofMillis(leaseMs));
  }

  @Test
  void theDefaultsAreValid() {
    assertThat(HaSettings.DEFAULTS.problem()).isEmpty();
  }

  @Test
  void theLeaseMustEndAMarginBeforeTheControlMayPromote() {
    assertThat(of(6000, 0, 5000).problem()).isEmpty();
    assertThat(of(6000, 0, 5001).problem())
        .startsWith(
            "lease_millis: must be between 1000 and the detection window" + " minus 1000 (5000)");
    assertThat(of(6000, 0, 999).problem()).startsWith("lease_millis:");
  }

  @Test
  void outOfRangeWindowAndLagNameTheirField() {
    assertThat(of(1999, 0, 1000).problem()).startsWith("detection_window_millis:");
    assertThat(of(600_001, 0, 1000).problem()).startsWith("detection_window_millis:");
    assertThat(of(6000, -1, 1000).problem()).startsWith("max_lag_millis:");
    assertThat(of(6000, 3_600_001, 1000).problem()).startsWith("max_lag_millis:");
  }
}
