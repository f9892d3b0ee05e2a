package io.coffer.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.coffer.proto.v1.ChangePassword;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStateStoreTest {
  @TempDir Path dir;
  final Instant t0 = Instant.parse("2026-11-01T00:00:00Z");

  static Command command(String id) {
    return Command.newBuilder().setCommandId(id).setOperation(Operation.newBuilder()
        .setChangePassword(ChangePassword.newBuilder().setName("u").setPassword("secret"))).build();
  }

  static Result ok(String id) {
    return Result.newBuilder().setCommandId(id).setStatus(Status.newBuilder().setCode(0)).build();
  }

  @Test
  void aCommandIsJournaledOnceCompletedOnceAndLosesItsPayloadWhenDone() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      assertThat(store.insertIfAbsent("db1", "change_password", command("c1"), t0)).isEmpty();
      assertThat(store.insertIfAbsent("db1", "change_password", command("c1"), t0)).isPresent();
      assertThat(store.pending("db1")).extracting(StateStore.StoredCommand::commandId).containsExactly("c1");
      assertThat(store.complete("c1", ok("c1"), t0.plusSeconds(1))).isTrue();
      assertThat(store.complete("c1", ok("c1"), t0.plusSeconds(2))).isFalse(); // duplicate result ignored
    }
    try (SqliteStateStore store = SqliteStateStore.open(dir)) { // after a control restart
      StateStore.StoredCommand c = store.find("c1").orElseThrow();
      assertThat(c.state()).isEqualTo(StateStore.State.DONE);
      assertThat(c.result()).contains(ok("c1"));
      assertThat(c.command()).as("the password does not outlive the command").isEmpty();
      assertThat(store.pending("db1")).isEmpty();
    }
  }

  @Test
  void finishedCommandsArePrunedAfterRetentionPendingOnesNever() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      store.insertIfAbsent("db1", "noop", command("old"), t0);
      store.complete("old", ok("old"), t0);
      store.insertIfAbsent("db1", "noop", command("recent"), t0.plus(Duration.ofDays(6)));
      store.complete("recent", ok("recent"), t0.plus(Duration.ofDays(6)));
      store.insertIfAbsent("db1", "noop", command("pending"), t0);
      assertThat(store.prune(t0.plus(Duration.ofDays(8)).minus(Duration.ofDays(7)))).isEqualTo(1);
      assertThat(store.find("old")).isEmpty();
      assertThat(store.find("recent")).isPresent();
      assertThat(store.find("pending")).isPresent();
    }
  }

  @Test
  void instancesAreRememberedAcrossRestarts() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      store.saveInstance("db1", Hello.newBuilder().setAgentVersion("1").build(), t0);
      store.saveInstance("db1", Hello.newBuilder().setAgentVersion("2").build(), t0.plusSeconds(5));
    }
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      assertThat(store.instances()).singleElement().satisfies(i -> {
        assertThat(i.instanceId()).isEqualTo("db1");
        assertThat(i.hello().getAgentVersion()).isEqualTo("2");
      });
    }
  }
}
