package io.coffer.control.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.ReplicationStatus;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidatesTest {
  static ReplicationStatus at(String position) {
    return ReplicationStatus.newBuilder().setPosition(position).build();
  }

  @Test
  void theMostAdvancedReplicaIsChosen() {
    Candidates.Choice c =
        Candidates.choose(
            Map.of("b", at("0-1-10"), "c", at("0-1-12"), "d", at("0-1-11")),
            Map.of(),
            10_000,
            false,
            r -> false);
    assertThat(c.chosen()).contains(Map.entry("c", "0-1-12"));
  }

  @Test
  void postgresqlLsnsCompareAsNumbersNotText() {
    Candidates.Choice c =
        Candidates.choose(
            Map.of("b", at("0/9000000"), "c", at("0/10000000")),
            Map.of(),
            10_000,
            false,
            r -> false);
    assertThat(c.chosen().orElseThrow().getKey()).isEqualTo("c");
  }

  @Test
  void aSynchronousReplicaWinsAmongEquals() {
    Candidates.Choice c =
        Candidates.choose(
            Map.of("b", at("0/5000"), "c", at("0/5000")),
            Map.of(),
            10_000,
            false,
            Set.of("b")::contains);
    assertThat(c.chosen().orElseThrow().getKey()).isEqualTo("b");
  }

  @Test
  void aReplicaTooFarBehindIsPassedOverEvenWhenAhead() {
    // c reports the higher position now but was 30 s behind when the primary was lost
    Candidates.Choice c =
        Candidates.choose(
            Map.of("b", at("0/5000"), "c", at("0/6000")),
            Map.of("b", 100L, "c", 30_000L),
            10_000,
            false,
            r -> false);
    assertThat(c.chosen().orElseThrow().getKey()).isEqualTo("b");
  }

  @Test
  void noneWhenAllAreTooFarBehind() {
    Candidates.Choice c =
        Candidates.choose(
            Map.of("b", at("0/5000")), Map.of("b", 30_000L), 10_000, false, r -> false);
    assertThat(c.chosen()).isEmpty();
    assertThat(c.refusal())
        .isEqualTo("all are further behind than 10000 ms: [b (30000 ms behind)]");
  }

  @Test
  void aPersonsFailoverIgnoresTheLag() {
    Candidates.Choice c =
        Candidates.choose(
            Map.of("b", at("0/5000")), Map.of("b", 30_000L), 10_000, true, r -> false);
    assertThat(c.chosen().orElseThrow().getKey()).isEqualTo("b");
  }

  @Test
  void noneWhenNoReplicaAnswered() {
    Candidates.Choice c = Candidates.choose(Map.of(), Map.of(), 10_000, false, r -> false);
    assertThat(c.chosen()).isEmpty();
    assertThat(c.refusal()).isEqualTo("none answered");
  }
}
