package io.coffer.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterMembershipTest {

  @TempDir Path dir;

  @Test
  void membersFormedJoinedAndLeftAreKeptAcrossARestartInJoiningOrder() throws Exception {
    try (ClusterMembership m = ClusterMembership.open(dir)) {
      m.form("wf-1", "mysql", List.of("gal-c", "gal-a", "gal-b"));
      m.join("gal-a", "gal-d");
      m.leave("gal-b");
      m.form("wf-2", "redis", List.of("r-1", "r-2", "r-3"));
    }
    try (ClusterMembership m = ClusterMembership.open(dir)) {
      assertThat(m.of("gal-d"))
          .hasValueSatisfying(
              c -> {
                assertThat(c.id()).isEqualTo("wf-1");
                assertThat(c.engine()).isEqualTo("mysql");
                assertThat(c.members()).containsExactly("gal-c", "gal-a", "gal-d");
              });
      assertThat(m.of("gal-b")).isEmpty();
      assertThat(m.clusters()).containsOnlyKeys("wf-1", "wf-2");
      // a node formed into a new cluster leaves its old one
      m.form("wf-3", "mysql", List.of("gal-d", "gal-b"));
      assertThat(m.of("gal-a").orElseThrow().members()).containsExactly("gal-c", "gal-a");
      assertThat(m.of("gal-d").orElseThrow().id()).isEqualTo("wf-3");
    }
  }
}
