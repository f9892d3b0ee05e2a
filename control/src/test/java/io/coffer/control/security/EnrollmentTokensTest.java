package io.coffer.control.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentTokensTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir Path dir;

  @Test
  void aTokenEnrollsItsInstanceOnceWithinItsLifetime() throws Exception {
    try (EnrollmentTokens tokens = EnrollmentTokens.open(dir)) {
      EnrollmentTokens.Created created = tokens.create("db1", Duration.ofHours(1), T0);
      assertThat(created.secret()).matches("cet_[A-Za-z0-9_-]{43}");
      assertThat(created.token().id()).matches("enr-[0-9a-f]{12}");

      assertThat(refused(tokens, created.secret(), "db2", T0).getMessage())
          .contains("is for instance 'db1', not 'db2'");
      EnrollmentTokens.Token used = tokens.redeem(created.secret(), "db1", T0.plusSeconds(5));
      assertThat(used.state(T0.plusSeconds(6))).isEqualTo(EnrollmentTokens.State.USED);
      assertThat(refused(tokens, created.secret(), "db1", T0.plusSeconds(10)).getMessage())
          .contains("already used");

      tokens.release(used.id()); // nothing could be issued: usable again
      assertThat(tokens.redeem(created.secret(), "db1", T0.plusSeconds(20)).id())
          .isEqualTo(used.id());
    }
  }

  @Test
  void expiredRevokedAndUnknownTokensAreRefused() throws Exception {
    try (EnrollmentTokens tokens = EnrollmentTokens.open(dir)) {
      EnrollmentTokens.Created expiring = tokens.create("db1", Duration.ofMinutes(1), T0);
      assertThat(refused(tokens, expiring.secret(), "db1", T0.plusSeconds(60)).getMessage())
          .contains("expired");
      EnrollmentTokens.Created revoked = tokens.create("db1", Duration.ofHours(1), T0);
      assertThat(tokens.revoke(revoked.token().id(), T0.plusSeconds(1)))
          .hasValueSatisfying(
              t ->
                  assertThat(t.state(T0.plusSeconds(2))).isEqualTo(EnrollmentTokens.State.REVOKED));
      assertThat(refused(tokens, revoked.secret(), "db1", T0.plusSeconds(2)).getMessage())
          .contains("revoked");
      EnrollmentTokens.Refused unknown = refused(tokens, "cet_" + "A".repeat(43), "db1", T0);
      assertThat(unknown.unknown()).isTrue();
      assertThat(tokens.revoke("enr-000000000000", T0)).isEmpty();
      assertThat(tokens.list()).hasSize(2);
    }
  }

  @Test
  void onlyTheTokensHashIsWrittenAndItOutlivesARestart() throws Exception {
    String secret;
    try (EnrollmentTokens tokens = EnrollmentTokens.open(dir)) {
      secret = tokens.create("db1", Duration.ofHours(1), T0).secret();
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(secret)
            .doesNotContain(secret.substring(4));
      }
    }
    try (EnrollmentTokens reopened = EnrollmentTokens.open(dir)) {
      assertThat(reopened.redeem(secret, "db1", T0.plusSeconds(1)).instanceId()).isEqualTo("db1");
    }
  }

  private static EnrollmentTokens.Refused refused(
      EnrollmentTokens tokens, String secret, String instance, Instant now) {
    EnrollmentTokens.Refused e =
        catchThrowableOfType(
            EnrollmentTokens.Refused.class, () -> tokens.redeem(secret, instance, now));
    assertThat(e).isNotNull();
    return e;
  }
}
