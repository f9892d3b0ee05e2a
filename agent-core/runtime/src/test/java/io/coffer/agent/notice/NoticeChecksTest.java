package io.coffer.agent.notice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoticeChecksTest {
  @TempDir Path dir;

  static StorageCheck.Reading used(double percent) {
    return new StorageCheck.Reading(
        Path.of("/data"), percent, 100L << 30, (long) ((100 - percent) / 100 * (100L << 30)));
  }

  @Test
  void aFillingVolumeWarnsOnceUntilItDropsFiveBelowTheThreshold() {
    StorageCheck check = new StorageCheck(Path.of("/data"), 90);
    assertThat(check.due(used(89.9))).isEmpty();
    assertThat(check.due(used(90.0))).isPresent();
    assertThat(check.due(used(95))).as("already warned").isEmpty();
    assertThat(check.due(used(86))).isEmpty();
    assertThat(check.due(used(91))).as("not back below 85 yet").isEmpty();
    assertThat(check.due(used(84.9))).isEmpty();
    assertThat(check.due(used(92))).as("re-armed").isPresent();
  }

  @Test
  void theVolumeIsReadFromTheNearestExistingDirectory() {
    StorageCheck.Reading r =
        new StorageCheck(dir.resolve("not/yet/created"), 90).read().orElseThrow();
    assertThat(r.totalBytes()).isPositive();
    assertThat(r.usedPercent()).isBetween(0.0, 100.0);
    assertThat(r.freeBytes()).isBetween(0L, r.totalBytes());
    assertThat(StorageCheck.details(r, 90))
        .containsEntry("threshold_percent", "90")
        .containsKey("used_percent");
  }

  @Test
  void aCertificateWithinItsWarningPeriodWarnsAtMostOnceADay() {
    CertificateCheck check = new CertificateCheck(dir.resolve("none.pem"), Duration.ofDays(30));
    Instant now = Instant.parse("2026-12-07T00:00:00Z");
    assertThat(check.validity()).isEmpty();
    Instant issued = now.minus(Duration.ofDays(300));
    assertThat(check.due(valid(issued, now.plus(Duration.ofDays(31))), now)).isFalse();
    assertThat(check.due(valid(issued, now.plus(Duration.ofDays(29))), now)).isTrue();
    assertThat(
            check.due(valid(issued, now.plus(Duration.ofDays(29))), now.plus(Duration.ofHours(23))))
        .isFalse();
    assertThat(
            check.due(valid(issued, now.plus(Duration.ofDays(29))), now.plus(Duration.ofHours(24))))
        .isTrue();
    // renewed: a certificate far from its end again, then near it later warns at once
    assertThat(
            check.due(valid(issued, now.plus(Duration.ofDays(90))), now.plus(Duration.ofHours(25))))
        .isFalse();
    assertThat(
            check.due(valid(issued, now.plus(Duration.ofDays(20))), now.plus(Duration.ofHours(26))))
        .isTrue();
  }

  @Test
  void byDefaultAShortLivedCertificateWarnsOnlyOnceAQuarterOfItsLifetimeIsLeft() {
    CertificateCheck check = new CertificateCheck(dir.resolve("none.pem"), null);
    Instant issued = Instant.parse("2026-12-07T00:00:00Z");
    CertificateCheck.Validity day = valid(issued, issued.plus(Duration.ofHours(24)));
    // renewed at 16 h as a rule: no warning then, but one when 6 h are left and still not renewed
    assertThat(check.due(day, issued.plus(Duration.ofHours(17)))).isFalse();
    assertThat(check.due(day, issued.plus(Duration.ofHours(18)).plusSeconds(1))).isTrue();
  }

  private static CertificateCheck.Validity valid(Instant notBefore, Instant notAfter) {
    return new CertificateCheck.Validity(notBefore, notAfter);
  }
}
