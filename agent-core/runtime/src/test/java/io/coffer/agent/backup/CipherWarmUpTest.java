package io.coffer.agent.backup;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The warm-up goes through the pipeline's real cipher and digest without failing. */
class CipherWarmUpTest {
  @Test
  void encryptsDecryptsAndHashes() {
    assertThatCode(() -> CipherWarmUp.run(2)).doesNotThrowAnyException();
  }
}
