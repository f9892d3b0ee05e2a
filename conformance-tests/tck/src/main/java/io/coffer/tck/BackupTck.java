package io.coffer.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.DeleteBackupResponse;
import io.coffer.proto.v1.DeleteBackupScheduleRequest;
import io.coffer.proto.v1.GetBackupRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListBackupsRequest;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.SetBackupScheduleRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine-agnostic backup suite: full, incremental and logical backups of a real server taken
 * through the northbound API, restored into fresh instances and compared by the engine's own
 * checksums; corruption, non-empty targets, bad parents and cascading deletes. Backups go to the
 * testbed's shared local storage (an S3 variant lives beside the engine's tests).
 *
 * <p>The tests build on each other (the chain of the first full backup), so they run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Checks(Area.BACKUP)
public abstract class BackupTck extends TckSuite {
  /** The issue asks for one round trip of more than 100 MB. */
  protected static final long LARGE = 110L << 20;

  private static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(5);

  protected Testbed bed;
  protected DatastoreProvider provider;
  protected Path work;
  private String source;
  private BackupData sourceData;
  private String full;
  private String incremental2;
  private Map<String, String> fingerprintAtFull;

  /** Bytes loaded before the first full backup; subclasses repeating the suite may load less. */
  protected long largeBytes() {
    return LARGE;
  }

  /** A testbed of the subclass's choosing (e.g. with S3 storage); by default local storage. */
  protected Testbed startTestbed(Path root) throws Exception {
    return Testbed.start(root);
  }

  @BeforeAll
  void startSource() throws Exception {
    provider = provider();
    if (knownUndeclared(provider, Area.BACKUP)) {
      return; // no server to start: an earlier suite saw the plugin leave it out
    }
    work =
        Files.createTempDirectory(
            "coffer-backup-tck-" + provider.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = startTestbed(work);
    source = "bk-src";
    sourceData = start(source);
    if (sourceData == null) {
      return;
    }
    assertThat(declared().backupTypes())
        .as("backup types the %s plugin declares", provider.engine())
        .contains(BackupType.BACKUP_TYPE_FULL);
  }

  @AfterAll
  void stop() throws Exception {
    if (sourceData != null) {
      sourceData.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void aLargeFullBackupRestoresIntoAFreshInstanceWithIdenticalChecksums() throws Exception {
    sourceData.load("bulk", largeBytes());
    sourceData.load("small", 1 << 20);
    fingerprintAtFull = sourceData.fingerprint();
    assertThat(fingerprintAtFull).hasSizeGreaterThanOrEqualTo(4);

    Backup b = backup(BackupType.BACKUP_TYPE_FULL, "");
    full = b.getBackupId();
    assertThat(b.getManifest().getRawBytes()).isGreaterThan(largeBytes());
    assertThat(b.getManifest().getStoredBytes()).isPositive();
    assertThat(b.getManifest().getSha256()).hasSize(64);
    assertThat(b.getManifest().getEngine()).isEqualTo(provider.engine());
    assertThat(b.getManifest().getKeyId()).startsWith("mk-");

    assertThat(restoreIntoFresh("bk-full", full)).isEqualTo(fingerprintAtFull);
  }

  @Test
  @Order(2)
  void fullPlusTwoIncrementalsWithWritesBetweenRestoreToTheLastOne() throws Exception {
    Assumptions.assumeTrue(declared().backupTypes().contains(BackupType.BACKUP_TYPE_INCREMENTAL));
    sourceData.write("small", "after-full");
    Backup first = backup(BackupType.BACKUP_TYPE_INCREMENTAL, full);
    assertThat(first.getParentId()).isEqualTo(full);
    sourceData.write("small", "after-first-incremental");
    sourceData.load("late", 1 << 20); // a table created between incrementals
    Backup second =
        backup(BackupType.BACKUP_TYPE_INCREMENTAL, ""); // parent: the newest, i.e. first
    assertThat(second.getParentId()).isEqualTo(first.getBackupId());
    incremental2 = second.getBackupId();
    Map<String, String> expected = sourceData.fingerprint();
    assertThat(expected).isNotEqualTo(fingerprintAtFull);

    assertThat(restoreIntoFresh("bk-incr", incremental2)).isEqualTo(expected);
  }

  @Test
  @Order(3)
  void logicalBackupRestoresIntoAFreshInstance() throws Exception {
    Assumptions.assumeTrue(declared().backupTypes().contains(BackupType.BACKUP_TYPE_LOGICAL));
    Map<String, String> expected = sourceData.fingerprint();
    Backup logical = backup(BackupType.BACKUP_TYPE_LOGICAL, "");
    assertThat(logical.getManifest().getType()).isEqualTo(BackupType.BACKUP_TYPE_LOGICAL);

    assertThat(restoreIntoFresh("bk-logical", logical.getBackupId())).isEqualTo(expected);
  }

  @Test
  @Order(4)
  void restoreIntoANonEmptyInstanceIsRefusedAndChangesNothing() throws Exception {
    Map<String, String> before = sourceData.fingerprint();
    StatusRuntimeException e =
        catchThrowableOfType(() -> restore(full, source), StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("empty");
    assertThat(sourceData.fingerprint()).isEqualTo(before);
  }

  @Test
  @Order(5)
  void aBackupWithOneFlippedByteIsRefusedAndTheTargetStaysUntouched() throws Exception {
    Path data = bed.backupDir().resolve(full).resolve("data.zst.tink");
    Assumptions.assumeTrue(Files.exists(data), "the corruption test needs local storage");
    String target = "bk-corrupt";
    try (BackupData targetData = start(target)) {
      Map<String, String> before = targetData.fingerprint();
      // the middle, and near the end: the restore reads the object once, staging what it
      // decrypts, so the flip is found only after most of the backup was staged
      for (long offset : new long[] {Files.size(data) / 2, Files.size(data) - 20}) {
        flip(data, offset);
        try {
          StatusRuntimeException e =
              catchThrowableOfType(() -> restore(full, target), StatusRuntimeException.class);
          assertThat(e.getStatus().getCode())
              .as("offset %d", offset)
              .isEqualTo(Status.Code.DATA_LOSS);
          assertThat(e.getStatus().getDescription()).contains("corrupt").contains(full);
        } finally {
          flip(data, offset); // put it back for the tests after this one
        }
        bed.awaitHealthy(target, Duration.ofSeconds(30));
        assertThat(targetData.fingerprint()).as("offset %d", offset).isEqualTo(before);
      }
    }
  }

  @Test
  @Order(6)
  void badParentsAndUnknownBackupsAreClearErrors() {
    Status unknown =
        status(
            () ->
                bed.backups()
                    .createBackup(
                        CreateBackupRequest.newBuilder()
                            .setInstanceId(source)
                            .setType(BackupType.BACKUP_TYPE_INCREMENTAL)
                            .setParentId("bk-000000000000")
                            .build()));
    assertThat(unknown.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getDescription()).contains("parent_id").contains("bk-000000000000");

    Status malformed =
        status(
            () ->
                bed.backups()
                    .createBackup(
                        CreateBackupRequest.newBuilder()
                            .setInstanceId(source)
                            .setType(BackupType.BACKUP_TYPE_INCREMENTAL)
                            .setParentId("../etc")
                            .build()));
    assertThat(malformed.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(malformed.getDescription()).contains("parent_id");

    Status parentWithoutIncremental =
        status(
            () ->
                bed.backups()
                    .createBackup(
                        CreateBackupRequest.newBuilder()
                            .setInstanceId(source)
                            .setType(BackupType.BACKUP_TYPE_FULL)
                            .setParentId(full)
                            .build()));
    assertThat(parentWithoutIncremental.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    Status unknownInstance =
        status(
            () ->
                bed.backups()
                    .createBackup(
                        CreateBackupRequest.newBuilder()
                            .setInstanceId("no-such-instance")
                            .build()));
    assertThat(unknownInstance.getCode()).isEqualTo(Status.Code.NOT_FOUND);

    Status unknownBackup = status(() -> restore("bk-000000000000", source));
    assertThat(unknownBackup.getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  @Order(7)
  void anIncrementalOnALogicalParentOrOnAnotherInstancesBackupIsRefused() throws Exception {
    Assumptions.assumeTrue(
        declared().backupTypes().contains(BackupType.BACKUP_TYPE_INCREMENTAL)
            && declared().backupTypes().contains(BackupType.BACKUP_TYPE_LOGICAL));
    String logical =
        bed
            .backups()
            .listBackups(ListBackupsRequest.newBuilder().setInstanceId(source).build())
            .getBackupsList()
            .stream()
            .filter(b -> b.getType() == BackupType.BACKUP_TYPE_LOGICAL)
            .findFirst()
            .orElseThrow()
            .getBackupId();
    Status onLogical =
        status(
            () ->
                bed.backups()
                    .createBackup(
                        CreateBackupRequest.newBuilder()
                            .setInstanceId(source)
                            .setType(BackupType.BACKUP_TYPE_INCREMENTAL)
                            .setParentId(logical)
                            .build()));
    assertThat(onLogical.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(onLogical.getDescription()).contains("parent_id").contains("logical");

    Backup other = backupOf("bk-full", BackupType.BACKUP_TYPE_FULL, "");
    Status foreign =
        status(
            () ->
                bed.backups()
                    .createBackup(
                        CreateBackupRequest.newBuilder()
                            .setInstanceId(source)
                            .setType(BackupType.BACKUP_TYPE_INCREMENTAL)
                            .setParentId(other.getBackupId())
                            .build()));
    assertThat(foreign.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(foreign.getDescription()).contains("parent_id").contains("bk-full");
  }

  @Test
  @Order(8)
  void deletingAParentNeedsCascadeWhichRemovesTheChainFromStorage() {
    Assumptions.assumeTrue(incremental2 != null, "needs the incremental chain");
    Status refused =
        status(
            () ->
                bed.backups()
                    .deleteBackup(DeleteBackupRequest.newBuilder().setBackupId(full).build()));
    assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(refused.getDescription()).contains("cascade");
    assertThat(get(full).getState()).isEqualTo(BackupState.BACKUP_STATE_COMPLETED);

    DeleteBackupResponse deleted =
        bed.backups()
            .deleteBackup(
                DeleteBackupRequest.newBuilder().setBackupId(full).setCascade(true).build());
    assertThat(deleted.getDeletedBackupIdsList())
        .hasSize(3)
        .endsWith(full)
        .startsWith(incremental2);
    for (String id : deleted.getDeletedBackupIdsList()) {
      assertThat(status(() -> get(id)).getCode()).isEqualTo(Status.Code.NOT_FOUND);
      if (Files.isDirectory(bed.backupDir())) {
        assertThat(bed.backupDir().resolve(id).resolve("manifest.json")).doesNotExist();
        assertThat(bed.backupDir().resolve(id).resolve("data.zst.tink")).doesNotExist();
      }
    }
  }

  @Test
  @Order(9)
  void aScheduleRetentionPolicyDeletesOlderChainsFromStorage() throws Exception {
    Backup older = backup(BackupType.BACKUP_TYPE_FULL, "");
    Backup newest = backup(BackupType.BACKUP_TYPE_FULL, "");
    // a schedule that will not fire during the test; setting it applies its retention at once
    bed.backups()
        .setBackupSchedule(
            SetBackupScheduleRequest.newBuilder()
                .setSchedule(
                    BackupSchedule.newBuilder()
                        .setInstanceId(source)
                        .setFullCron("0 0 1 1 *")
                        .setKeepCount(1))
                .build());
    try {
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      List<Backup> left;
      do {
        Thread.sleep(200);
        left =
            bed.backups()
                .listBackups(ListBackupsRequest.newBuilder().setInstanceId(source).build())
                .getBackupsList();
      } while (left.size() > 1 && System.nanoTime() < end);
      assertThat(left).extracting(Backup::getBackupId).containsExactly(newest.getBackupId());
      if (Files.isDirectory(bed.backupDir())) {
        assertThat(bed.backupDir().resolve(older.getBackupId()).resolve("manifest.json"))
            .doesNotExist();
        assertThat(bed.backupDir().resolve(newest.getBackupId()).resolve("manifest.json")).exists();
      }
    } finally {
      bed.backups()
          .deleteBackupSchedule(
              DeleteBackupScheduleRequest.newBuilder().setInstanceId(source).build());
    }
  }

  @Test
  @Order(10)
  void aControlWithAnotherMasterKeyCannotRestoreAndSaysWhy() throws Exception {
    Backup b =
        bed.backups()
            .listBackups(ListBackupsRequest.newBuilder().setInstanceId(source).build())
            .getBackupsList()
            .get(0);
    Path keyFile = bed.home().stateDir().resolve("backup-master-key.tink");
    Path saved = keyFile.resolveSibling("saved-master-key");
    bed.stopControl();
    Files.move(keyFile, saved); // the control makes a new key at start
    try {
      bed.startControl();
      String target = "bk-wrong-key";
      try (BackupData targetData = start(target)) {
        Status wrongKey = status(() -> restore(b.getBackupId(), target));
        assertThat(wrongKey.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(wrongKey.getDescription()).contains("key").contains(b.getManifest().getKeyId());
        assertThat(targetData.fingerprint()).isEmpty();
      }
    } finally {
      bed.stopControl();
      Files.move(saved, keyFile, StandardCopyOption.REPLACE_EXISTING);
      bed.startControl();
    }
  }

  // ---- helpers ----

  /** Starts a fresh instance, enables its superuser and returns the data checks. */
  /**
   * Starts an instance and enables its superuser; null when the plugin turns out not to declare
   * backups.
   */
  protected BackupData start(String instance) throws Exception {
    int port = Ports.free();
    bed.startAgent(
        bed.agentConfig(
            instance, provider.pluginsDir(), provider.datastore(work.resolve(instance), port)));
    InstanceStatus status = bed.awaitHealthy(instance, Duration.ofSeconds(90));
    if (declared() == null && !declare(status, Area.BACKUP)) {
      return null; // the first instance says what the plugin declares; nothing more to set up
    }
    return dataOf(instance, port);
  }

  private BackupData dataOf(String instance, int port) {
    RootLogin root = bed.enableRoot(instance);
    return provider.backupData(port, root.name(), root.password());
  }

  private Map<String, String> restoreIntoFresh(String target, String backupId) throws Exception {
    int port = Ports.free();
    bed.startAgent(
        bed.agentConfig(
            target, provider.pluginsDir(), provider.datastore(work.resolve(target), port)));
    bed.awaitHealthy(target, Duration.ofSeconds(90));
    restore(backupId, target);
    bed.awaitHealthy(target, Duration.ofSeconds(90));
    try (BackupData restored = dataOf(target, port)) {
      return restored.fingerprint();
    }
  }

  private Backup backup(BackupType type, String parent) throws InterruptedException {
    return backupOf(source, type, parent);
  }

  private Backup backupOf(String instance, BackupType type, String parent)
      throws InterruptedException {
    Backup started =
        bed.backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(instance)
                    .setType(type)
                    .setParentId(parent)
                    .build());
    assertThat(started.getState()).isEqualTo(BackupState.BACKUP_STATE_PENDING);
    Backup done = bed.awaitBackup(started.getBackupId(), BACKUP_TIMEOUT);
    assertThat(done.getState())
        .as("backup %s: %s", done.getBackupId(), done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
    return done;
  }

  private void restore(String backupId, String instance) {
    bed.backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(backupId)
                .setInstanceId(instance)
                .build());
  }

  private Backup get(String backupId) {
    return bed.backups().getBackup(GetBackupRequest.newBuilder().setBackupId(backupId).build());
  }

  private static Status status(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call succeeded");
  }

  private static void flip(Path file, long offset) throws Exception {
    try (FileChannel c =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      c.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      c.write(one, offset);
    }
  }
}
