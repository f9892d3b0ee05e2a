package io.coffer.control.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.ReplicationStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementTest {
  static ReplicationStatus receiving(boolean connected) {
    return ReplicationStatus.newBuilder().setSourceConnected(connected).build();
  }

  @Test
  void goesOnWhenMostReplicasThatAnsweredLostThePrimaryToo() {
    Map<String, ReplicationStatus> views = new LinkedHashMap<>();
    views.put("b", receiving(false));
    views.put("c", receiving(false));
    views.put("d", receiving(true));
    Agreement a = Agreement.of("a", views, 3);
    assertThat(a.go()).isTrue();
    assertThat(a.details()).containsEntry("receiving", "1").containsEntry("answered", "3");
  }

  @Test
  void declinesWhenHalfOrMoreStillReceive() {
    Agreement a = Agreement.of("a", Map.of("b", receiving(true), "c", receiving(false)), 2);
    assertThat(a.go()).isFalse();
    assertThat(a.why())
        .isEqualTo(
            "1 of the 2 replicas that answered still receive from a: the control is the one cut off");
  }

  @Test
  void declinesWhenNoReplicaAnswers() {
    Agreement a = Agreement.of("a", Map.of(), 2);
    assertThat(a.go()).isFalse();
    assertThat(a.why()).isEqualTo("none of its 2 replicas answered");
    assertThat(a.details()).containsEntry("receiving", "0").containsEntry("replicas", "2");
  }

  @Test
  void aSingleReplicaThatLostItsSourceIsEnough() {
    assertThat(Agreement.of("a", Map.of("b", receiving(false)), 1).go()).isTrue();
  }
}
