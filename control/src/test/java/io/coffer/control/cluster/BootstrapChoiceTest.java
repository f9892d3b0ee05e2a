package io.coffer.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.proto.v1.ClusterRecovery;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootstrapChoiceTest {
  static final String H = "5981f182-a4cc-11e6-98cc-77fabedd360d";
  static final List<String> ORDER = List.of("a", "b", "c");

  static ClusterRecovery at(long seqno, boolean safe) {
    return ClusterRecovery.newBuilder()
        .setHistory(H)
        .setSeqno(seqno)
        .setSafeToBootstrap(safe)
        .build();
  }

  @Test
  void theMostAdvancedNodeBootstraps() {
    assertThat(
            BootstrapChoice.of(
                ORDER, Map.of("a", at(10, false), "b", at(12, false), "c", at(11, false))))
        .isEqualTo(new BootstrapChoice("b", false));
  }

  @Test
  void safeToBootstrapWinsAmongEqualsThenTheMembersOrder() {
    assertThat(
            BootstrapChoice.of(
                    ORDER, Map.of("a", at(12, false), "b", at(12, false), "c", at(12, true)))
                .node())
        .isEqualTo("c");
    assertThat(
            BootstrapChoice.of(
                    ORDER, Map.of("a", at(12, false), "b", at(12, false), "c", at(11, true)))
                .node())
        .isEqualTo("a");
  }

  @Test
  void aNodeStillInAPrimaryComponentIsJoinedNotBootstrapped() {
    ClusterRecovery running = at(5, false).toBuilder().setPrimary(true).build();
    assertThat(
            BootstrapChoice.of(ORDER, Map.of("a", at(12, false), "b", running, "c", at(11, false))))
        .isEqualTo(new BootstrapChoice("b", true));
  }

  @Test
  void differentHistoriesOrNoKnownPositionNeedAPerson() {
    ClusterRecovery other =
        at(50, false).toBuilder().setHistory("11111111-2222-3333-4444-555555555555").build();
    assertThatThrownBy(
            () ->
                BootstrapChoice.of(
                    ORDER, Map.of("a", at(12, false), "b", other, "c", at(11, false))))
        .hasMessageContaining("histories differ");
    assertThatThrownBy(
            () ->
                BootstrapChoice.of(
                    ORDER, Map.of("a", at(-1, false), "b", at(-1, false), "c", at(-1, false))))
        .hasMessageContaining("no member knows its position");
    assertThat(
            BootstrapChoice.of(
                    ORDER, Map.of("a", at(-1, false), "b", at(-1, true), "c", at(-1, false)))
                .node())
        .isEqualTo("b");
  }
}
