package io.coffer.plugin.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.spi.Secret;
import org.junit.jupiter.api.Test;

class NativePasswordHashTest {
  @Test
  void isWhatMariadbsPasswordFunctionReturns() {
    // SELECT PASSWORD('password') on MariaDB 10.11
    assertThat(NativePasswordHash.of(Secret.of("password")))
        .isEqualTo("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
  }

  @Test
  void hashesTheUtf8BytesAndNeverContainsThePassword() {
    String hash = NativePasswordHash.of(Secret.of("pässwörd-ünïcode"));
    assertThat(hash)
        .hasSize(41)
        .startsWith("*")
        .matches("\\*[0-9A-F]{40}")
        .doesNotContain("pässwörd");
  }
}
