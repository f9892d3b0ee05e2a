package io.coffer.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterNodeAddress;
import io.coffer.proto.v1.ClusterStatus;
import org.junit.jupiter.api.Test;

/** When the shrink workflow takes a member's view as settled without the node that left. */
class LeaveSeenTest {
  private static final ClusterNodeAddress A = address(3306);
  private static final ClusterNodeAddress B = address(3307);
  private static final ClusterNodeAddress C = address(3308);

  @Test
  void aViewThatStillListsTheLeaverIsNotSettled() {
    assertThat(ClusterManager.isWithout(view(3, A, B, C), B)).isFalse();
  }

  @Test
  void aViewThatCountsMoreMembersThanItListsIsNotSettled() {
    // Galera: wsrep_cluster_size still 3 while wsrep_incoming_addresses already dropped the leaver
    assertThat(ClusterManager.isWithout(view(3, A, C), B)).isFalse();
  }

  @Test
  void aViewTheNodeCouldNotReadIsNotSettled() {
    assertThat(ClusterManager.isWithout(view(0), B)).isFalse();
  }

  @Test
  void aViewWithoutTheLeaverIsSettled() {
    assertThat(ClusterManager.isWithout(view(2, A, C), B)).isTrue();
  }

  @Test
  void anotherNodeOnTheSameHostIsNotTheLeaver() {
    assertThat(ClusterManager.isWithout(view(2, A, C), address(3309))).isTrue();
    assertThat(ClusterManager.isWithout(view(2, A, C), C)).isFalse();
  }

  private static ClusterStatus view(int size, ClusterNodeAddress... nodes) {
    ClusterStatus.Builder b =
        ClusterStatus.newBuilder().setEnabled(true).setState("Primary").setSize(size);
    for (ClusterNodeAddress n : nodes) {
      b.addNodes(ClusterNode.newBuilder().setAddress(n));
    }
    return b.build();
  }

  private static ClusterNodeAddress address(int port) {
    return ClusterNodeAddress.newBuilder()
        .setHost("127.0.0.1")
        .setPort(port)
        .setPeerPort(port + 1000)
        .build();
  }
}
