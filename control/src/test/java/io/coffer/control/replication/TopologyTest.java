package io.coffer.control.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {
  @TempDir Path dir;

  @Test
  void aPromotionStartsTheNextTermAndTheGroupKeepsItsSettings() throws Exception {
    HaSettings custom =
        new HaSettings(false, Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(3));
    try (Topology t = Topology.open(dir)) {
      t.setSource("b", "a", true);
      t.setSource("c", "a");
      assertThat(t.group("a").orElseThrow().term()).isEqualTo(1);
      t.setSettings("a", custom);

      assertThat(t.startTerm("a", "b")).isEqualTo(2);
      t.clearSource("b");
      t.setSource("c", "b");
      t.depose("a", "b", 2, Instant.ofEpochMilli(1000));
    }
    try (Topology t = Topology.open(dir)) { // as a restarted control reads it
      assertThat(t.group("a")).isEmpty();
      assertThat(t.group("b").orElseThrow()).isEqualTo(new Topology.Group("b", 2, custom));
      assertThat(t.replicasOf("b")).containsExactly("c");
      assertThat(t.deposed("a").orElseThrow())
          .isEqualTo(new Topology.Deposed("b", 2, Instant.ofEpochMilli(1000)));
      assertThat(t.termOf("a")).isEqualTo(2);
      assertThat(t.termOf("c")).isEqualTo(2);
      assertThat(t.termOf("elsewhere")).isZero();

      t.setSource("a", "b"); // rejoined: no longer deposed
      assertThat(t.deposed("a")).isEmpty();
      assertThat(t.termOf("a")).isEqualTo(2);
    }
  }

  @Test
  void aFormatOneFileGetsAGroupPerSourceInTermOne() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("topology.db"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE replicas (replica_id TEXT PRIMARY KEY, source_id TEXT NOT NULL)");
      s.execute("INSERT INTO replicas VALUES ('b', 'a'), ('c', 'a')");
      s.execute("PRAGMA user_version = 1");
    }
    try (Topology t = Topology.open(dir)) {
      assertThat(t.replicasOf("a")).containsExactlyInAnyOrder("b", "c");
      assertThat(t.synchronous("b")).isFalse();
      assertThat(t.group("a").orElseThrow())
          .isEqualTo(new Topology.Group("a", 1, HaSettings.DEFAULTS));
    }
  }
}
