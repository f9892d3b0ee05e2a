package io.coffer.control.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationsTest {
  @TempDir Path dir;

  @Test
  void aRevocationIsOnDiskBeforeRevokeReturnsAndTheFirstOneStays() throws Exception {
    Instant t1 = Instant.parse("2026-12-07T10:00:00Z");
    try (Revocations r = Revocations.open(dir)) {
      r.revoke("abcd", "db1", "key leaked", t1);
      r.revoke("abcd", "db1", "again", t1.plusSeconds(60));
      assertThat(r.of("abcd")).map(Revocations.Revocation::reason).contains("key leaked");
      assertThat(r.of("abce")).isEmpty();
    }
    try (Revocations reopened = Revocations.open(dir)) {
      assertThat(reopened.list())
          .containsExactly(new Revocations.Revocation("abcd", "db1", t1, "key leaked"));
    }
  }

  @Test
  void serialsAreReadAsOperatorsTypeThem() {
    assertThat(AgentCertificate.normalise("0x00AB:CD")).contains("abcd");
    assertThat(AgentCertificate.normalise(" 1F ")).contains("1f");
    assertThat(AgentCertificate.normalise("0")).contains("0");
    assertThat(AgentCertificate.normalise("xyz")).isEmpty();
    assertThat(AgentCertificate.normalise("")).isEmpty();
    assertThat(AgentCertificate.normalise("f".repeat(65))).isEmpty();
  }
}
