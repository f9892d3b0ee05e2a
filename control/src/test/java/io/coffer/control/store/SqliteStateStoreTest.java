package io.coffer.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Status;
import io.coffer.control.keys.SealingKey;
import io.coffer.proto.v1.ChangePassword;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStateStoreTest {
  @TempDir Path dir;
  final Instant t0 = Instant.parse("2026-11-01T00:00:00Z");

  static final byte[] DIGEST = new byte[32];

  /** Looked for in the raw files: long and unusual, so a match is never a coincidence. */
  static final String PASSWORD = "pw-Zq8xKv3mT0pLr9Wd";

  static Command command(String id) {
    return Command.newBuilder()
        .setCommandId(id)
        .setOperation(
            Operation.newBuilder()
                .setChangePassword(ChangePassword.newBuilder().setName("u").setPassword(PASSWORD)))
        .build();
  }

  static Result ok(String id) {
    return Result.newBuilder().setCommandId(id).setStatus(Status.newBuilder().setCode(0)).build();
  }

  @Test
  void aCommandIsJournaledOnceCompletedOnceAndLosesItsPayloadWhenDone() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      assertThat(store.insertIfAbsent("db1", "change_password", command("c1"), DIGEST, t0))
          .isEmpty();
      assertThat(store.insertIfAbsent("db1", "change_password", command("c1"), DIGEST, t0))
          .isPresent();
      assertThat(store.pending("db1"))
          .extracting(StateStore.StoredCommand::commandId)
          .containsExactly("c1");
      assertThat(store.complete("c1", ok("c1"), t0.plusSeconds(1))).isTrue();
      assertThat(store.complete("c1", ok("c1"), t0.plusSeconds(2)))
          .isFalse(); // duplicate result ignored
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
      store.insertIfAbsent("db1", "noop", command("old"), DIGEST, t0);
      store.complete("old", ok("old"), t0);
      store.insertIfAbsent("db1", "noop", command("recent"), DIGEST, t0.plus(Duration.ofDays(6)));
      store.complete("recent", ok("recent"), t0.plus(Duration.ofDays(6)));
      store.insertIfAbsent("db1", "noop", command("pending"), DIGEST, t0);
      assertThat(store.prune(t0.plus(Duration.ofDays(8)).minus(Duration.ofDays(7)))).isEqualTo(1);
      assertThat(store.find("old")).isEmpty();
      assertThat(store.find("recent")).isPresent();
      assertThat(store.find("pending")).isPresent();
    }
  }

  @Test
  void instancesAreRememberedAcrossRestarts() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      store.saveInstance(
          "db1",
          Hello.newBuilder().setAgentVersion("1").build(),
          t0,
          new StateStore.KnownCertificate("a1", t0.plusSeconds(60)));
      store.saveInstance(
          "db1",
          Hello.newBuilder().setAgentVersion("2").build(),
          t0.plusSeconds(5),
          new StateStore.KnownCertificate("a2", t0.plusSeconds(65)));
      // renewed: the certificate the agent connects with next
      store.saveCertificate("db1", new StateStore.KnownCertificate("b3", t0.plusSeconds(90)));
      store.saveCertificate("nobody", new StateStore.KnownCertificate("c4", t0));
    }
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      assertThat(store.instances())
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.instanceId()).isEqualTo("db1");
                assertThat(i.hello().getAgentVersion()).isEqualTo("2");
                assertThat(i.certificate())
                    .contains(new StateStore.KnownCertificate("b3", t0.plusSeconds(90)));
              });
    }
  }

  @Test
  void aPendingPayloadIsSealedOnDiskAndAFinishedOneIsErasedFromEveryFile() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      store.insertIfAbsent("db1", "change_password", command("c1"), DIGEST, t0);
      assertThat(store.find("c1").orElseThrow().command()).contains(command("c1"));
      assertThat(filesHolding(PASSWORD)).as("sealed while pending").isEmpty();
      assertThat(store.find("c1").orElseThrow().requestDigest())
          .hasValueSatisfying(d -> assertThat(d).isEqualTo(DIGEST));
      byte[] sealed = rawPayload("c1");
      assertThat(filesHolding(sealed)).isNotEmpty();

      store.complete("c1", ok("c1"), t0.plusSeconds(1));
      awaitLogTruncated();
      assertThat(rawPayload("c1")).as("the payload is dropped").isNull();
      assertThat(filesHolding(sealed)).as("and erased from the database and its log").isEmpty();
    }
  }

  @Test
  void aFormat1JournalIsMigratedItsPendingPayloadsSealedAndStillDelivered() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("control.db"));
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE commands (command_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, operation TEXT NOT NULL,
            state TEXT NOT NULL, command BLOB, result BLOB, created_at INTEGER NOT NULL, finished_at INTEGER)""");
      s.execute(
          "CREATE TABLE instances (instance_id TEXT PRIMARY KEY, hello BLOB NOT NULL, last_connected INTEGER NOT NULL)");
      s.execute("PRAGMA user_version = 1");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO commands VALUES ('old', 'db1', 'change_password', 'PENDING', ?, NULL, 0, NULL)")) {
        ps.setBytes(1, command("old").toByteArray());
        ps.executeUpdate();
      }
    }
    assertThat(filesHolding(PASSWORD)).isNotEmpty(); // the legacy file held it in plaintext
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      assertThat(store.pending("db1"))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.command()).contains(command("old"));
                assertThat(p.requestDigest())
                    .isEmpty(); // not recorded then: a retry is not compared
              });
      awaitLogTruncated();
      assertThat(filesHolding(PASSWORD)).isEmpty();
      // format 3: instances remember their agent's certificate
      store.saveInstance(
          "db1", Hello.getDefaultInstance(), t0, new StateStore.KnownCertificate("ab", t0));
      assertThat(store.instances().get(0).certificate()).isPresent();
    }
  }

  @Test
  void aReplacedJournalKeyIsAClearErrorNotAWrongCommand() throws Exception {
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      store.insertIfAbsent("db1", "change_password", command("c1"), DIGEST, t0);
    }
    Files.delete(dir.resolve(SealingKey.FILE));
    try (SqliteStateStore store = SqliteStateStore.open(dir)) {
      assertThatThrownBy(() -> store.find("c1")).hasMessageContaining("journal-key.tink");
    }
  }

  /** The payload column as stored, read through a second connection. */
  private byte[] rawPayload(String id) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("control.db"));
        PreparedStatement ps =
            c.prepareStatement("SELECT command FROM commands WHERE command_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  private void awaitLogTruncated() throws InterruptedException {
    Path wal = dir.resolve("control.db-wal");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      try {
        if (Files.size(wal) == 0) {
          return;
        }
      } catch (IOException gone) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the write-ahead log was not truncated");
  }

  private List<Path> filesHolding(String text) throws IOException {
    return filesHolding(text.getBytes(StandardCharsets.UTF_8));
  }

  private List<Path> filesHolding(byte[] needle) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                try {
                  return indexOf(Files.readAllBytes(f), needle) >= 0;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
