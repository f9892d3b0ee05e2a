package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.e2e.guest.GuestLab.Guest;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.BackupData;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What crosses from one guest container to another over their container network, for each engine: a
 * backup taken in one guest (to S3-compatible storage on this host) restores into another guest,
 * and a replica in a third guest, created from a backup of its source and following it over the
 * network by the source's advertised name, takes over in a switchover while the old source follows
 * it. Data are compared by the engines' own checksums, read as each engine's superuser.
 */
class AcrossGuestsTest {
  private static final Duration WORKFLOW = Duration.ofMinutes(4);
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private GuestLab lab;
  private DatastoreProvider provider;
  private Testbed bed;
  private final Map<String, Guest> guests = new HashMap<>();
  private final Map<String, RootLogin> roots = new HashMap<>();

  @AfterEach
  void stop() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql", "postgresql", "redis"})
  void aBackupRestoresIntoAnotherGuestAndAReplicaInAThirdTakesOverInASwitchover(String engine)
      throws Exception {
    provider = GuestLab.provider(engine);
    lab = GuestLab.start(tmp, engine, true);
    bed = lab.bed();
    start(engine, "gst-a");
    start(engine, "gst-c");
    Map<String, String> loaded;
    try (BackupData a = data("gst-a")) {
      a.load("shop", 4 << 20);
      loaded = a.fingerprint();
    }
    assertThat(loaded).isNotEmpty();

    // a backup of gst-a, restored into gst-c: nothing shared but the storage and the control
    Backup full = backup("gst-a");
    bed.backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(full.getBackupId())
                .setInstanceId("gst-c")
                .build());
    bed.awaitHealthy("gst-c", Duration.ofSeconds(120));
    try (BackupData c = data("gst-c")) {
      assertThat(c.fingerprint()).as("gst-c restored from gst-a's backup").isEqualTo(loaded);
    }

    // a replica in gst-b follows gst-a over the network, then takes over in a switchover
    start(engine, "gst-b");
    Workflow created =
        bed.awaitWorkflow(
            bed.replication()
                .createReplica(
                    CreateReplicaRequest.newBuilder()
                        .setSourceInstanceId("gst-a")
                        .setInstanceId("gst-b")
                        .build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(created.getState())
        .as(created.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    bed.awaitRole("gst-b", Role.ROLE_REPLICA, CONVERGE);
    write("gst-a", "after the replica was created");
    awaitSameData("gst-a", "gst-b");

    Workflow switched =
        bed.awaitWorkflow(
            bed.replication()
                .promote(PromoteRequest.newBuilder().setInstanceId("gst-b").build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(switched.getState())
        .as(switched.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    bed.awaitRole("gst-b", Role.ROLE_PRIMARY, CONVERGE);
    bed.awaitRole("gst-a", Role.ROLE_REPLICA, CONVERGE);
    write("gst-b", "after the switchover");
    awaitSameData("gst-b", "gst-a");
  }

  private void start(String engine, String instance) throws Exception {
    guests.put(instance, lab.startGuest(engine, instance));
  }

  /**
   * A superuser session on {@code instance}: gst-a's superuser where backups and replicas carry the
   * accounts (MariaDB, PostgreSQL), else one of its own (Redis keeps no ACL users in its data).
   */
  private BackupData data(String instance) {
    RootLogin login =
        roots.computeIfAbsent(
            provider.replicasCarryAccounts() ? "gst-a" : instance, bed::enableRoot);
    return provider.backupData(guests.get(instance).clientPort(), login.name(), login.password());
  }

  private void write(String instance, String marker) throws Exception {
    try (BackupData d = data(instance)) {
      d.write("shop", marker);
    }
  }

  private Backup backup(String instance) throws InterruptedException {
    Backup started =
        bed.backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(instance)
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Backup done = bed.awaitBackup(started.getBackupId(), WORKFLOW);
    assertThat(done.getState())
        .as("backup %s: %s", done.getBackupId(), done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
    return done;
  }

  private void awaitSameData(String source, String replica) throws Exception {
    long end = System.nanoTime() + CONVERGE.toNanos();
    Map<String, String> expected = Map.of();
    Map<String, String> actual = Map.of();
    do {
      try (BackupData s = data(source);
          BackupData r = data(replica)) {
        expected = s.fingerprint();
        actual = r.fingerprint();
      } catch (Exception e) {
        // a replica may refuse reads while it loads a full resynchronisation (Redis: LOADING)
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(250);
        continue;
      }
      if (expected.equals(actual)) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < end);
    assertThat(actual).as("data on %s vs its source %s", replica, source).isEqualTo(expected);
  }
}
