package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.BackupData;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Testbed;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private GuestLab lab;
  private Testbed bed;
  private GuestData data;

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
    DatastoreProvider provider = GuestLab.provider(engine);
    lab = GuestLab.start(tmp, engine, true);
    bed = lab.bed();
    data = new GuestData(provider, bed, "gst-a");
    data.add(lab.startGuest(engine, "gst-a"));
    data.add(lab.startGuest(engine, "gst-c"));
    Map<String, String> loaded;
    try (BackupData a = data.on("gst-a")) {
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
    try (BackupData c = data.on("gst-c")) {
      assertThat(c.fingerprint()).as("gst-c restored from gst-a's backup").isEqualTo(loaded);
    }

    // a replica in gst-b follows gst-a over the network, then takes over in a switchover
    data.add(lab.startGuest(engine, "gst-b"));
    data.createReplica("gst-a", "gst-b");
    Workflow switched =
        bed.awaitWorkflow(
            bed.replication()
                .promote(PromoteRequest.newBuilder().setInstanceId("gst-b").build())
                .getWorkflowId(),
            GuestData.WORKFLOW);
    assertThat(switched.getState())
        .as(switched.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    bed.awaitRole("gst-b", Role.ROLE_PRIMARY, CONVERGE);
    bed.awaitRole("gst-a", Role.ROLE_REPLICA, CONVERGE);
    data.write("gst-b", "after the switchover");
    data.awaitSame("gst-b", "gst-a", CONVERGE);
  }

  private Backup backup(String instance) throws InterruptedException {
    Backup started =
        bed.backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(instance)
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Backup done = bed.awaitBackup(started.getBackupId(), GuestData.WORKFLOW);
    assertThat(done.getState())
        .as("backup %s: %s", done.getBackupId(), done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
    return done;
  }
}
