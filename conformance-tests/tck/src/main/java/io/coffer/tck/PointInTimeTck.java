package io.coffer.tck;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.FlushLogArchiveRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.LogArchiveFlushed;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine-agnostic point-in-time restore suite: a full backup, then writes at t1, t2 and t3 with
 * the log archived continuously by the agent; restores into fresh instances to a time between the
 * writes must hold exactly the writes up to that time (compared by the engine's fingerprints), and
 * targets outside what the backup and the archive cover must fail with INVALID_ARGUMENT naming
 * target_time, leaving the target empty. Deleting a backup removes the archived log only it needed;
 * a restore to the end of the archive holds everything archived.
 *
 * <p>Times are taken from this JVM's clock, which is the servers' (all on this machine); the suite
 * leaves more than a second between a write and a target so that clock granularity cannot decide.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Checks(Area.POINT_IN_TIME)
public abstract class PointInTimeTck extends TckSuite {
  private static final Duration GAP = Duration.ofMillis(1200);
  private static final Duration JOB = Duration.ofMinutes(5);

  protected Testbed bed;
  protected DatastoreProvider provider;
  protected Path work;
  private BackupData source;
  private Backup full;
  private Map<String, String> atT2;
  private Instant betweenT2AndT3;
  private Map<String, String> atT3;
  private Instant afterT3;
  private Backup second;
  private final Map<String, Integer> ports = new HashMap<>();
  private final Map<String, RootLogin> roots = new HashMap<>();

  /** A testbed of the subclass's choosing (e.g. with S3 storage); by default local storage. */
  protected Testbed startTestbed(Path root) throws Exception {
    return Testbed.start(root);
  }

  /** Where the storage keeps the objects of a log archive as files (local storage by default). */
  protected Path archiveDir(String archiveId) {
    return bed.backupDir().resolve("logs").resolve(archiveId);
  }

  @BeforeAll
  void startSourceBackUpAndWrite() throws Exception {
    provider = provider();
    if (knownUndeclared(provider, Area.POINT_IN_TIME)) {
      return; // no server to start: an earlier suite saw the plugin leave it out
    }
    work =
        Files.createTempDirectory(
            "coffer-pitr-tck-" + provider.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = startTestbed(work);
    source = start("pitr-src");
    if (source == null) {
      return;
    }
    source.load("ledger", 2 << 20);
    full = backup("pitr-src");

    source.write("ledger", "t1");
    Thread.sleep(GAP.toMillis());
    source.write("ledger", "t2");
    atT2 = source.fingerprint();
    Thread.sleep(GAP.toMillis());
    betweenT2AndT3 = Instant.now();
    Thread.sleep(GAP.toMillis());
    source.write("ledger", "t3");
    atT3 = source.fingerprint();
    Thread.sleep(GAP.toMillis());
    afterT3 = Instant.now();
    Thread.sleep(GAP.toMillis());
    assertThat(atT3).isNotEqualTo(atT2);

    LogArchiveFlushed flushed = flush("pitr-src");
    assertThat(flushed.getArchiveId()).isEqualTo("pitr-src");
    assertThat(flushed.getFile()).isNotEmpty();
    awaitArchiveHealthyInHeartbeat("pitr-src");
  }

  /** The heartbeat reports the archive: nothing pending, nothing failing, a recent last file. */
  private void awaitArchiveHealthyInHeartbeat(String instance) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, Double> metrics;
    do {
      metrics =
          bed.instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instance).build())
              .getMetricsMap();
      if (metrics.getOrDefault("log_archive_pending_files", -1.0) == 0.0
          && metrics.getOrDefault("log_archive_failing", -1.0) == 0.0
          && metrics.containsKey("log_archive_last_age_seconds")) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < end);
    assertThat(metrics)
        .as("log archive metrics of %s", instance)
        .containsEntry("log_archive_pending_files", 0.0)
        .containsEntry("log_archive_failing", 0.0)
        .containsKey("log_archive_last_age_seconds");
  }

  @AfterAll
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void restoreToATimeBetweenT2AndT3HoldsExactlyTheWritesUpToT2() throws Exception {
    // no backup named: the control picks the source's newest backup before the target, the full one
    assertThat(
            restoreIntoFresh(
                "pitr-t2",
                full,
                r ->
                    r.setBackupId("")
                        .setSourceInstanceId("pitr-src")
                        .setTargetTime(
                            Timestamp.newBuilder()
                                .setSeconds(betweenT2AndT3.getEpochSecond())
                                .setNanos(betweenT2AndT3.getNano()))))
        .isEqualTo(atT2);
  }

  @Test
  @Order(2)
  void restoreToATimeAfterTheLastWriteHoldsEveryWrite() throws Exception {
    assertThat(restoreIntoFresh("pitr-t3", afterT3)).isEqualTo(atT3);
  }

  @Test
  @Order(3)
  void aRestoredInstanceIsAPrimaryThatArchivesItsOwnLog() throws Exception {
    // pitr-t3 took the writes above; it must take new ones and archive them apart from its source
    LogArchiveFlushed flushed = flush("pitr-t3");
    assertThat(flushed.getArchiveId()).isEqualTo("pitr-t3");
  }

  @Test
  @Order(4)
  void aTargetBeforeTheBackupEndedIsRefusedAndTheInstanceStaysEmpty() throws Exception {
    Instant beforeBackup =
        Instant.ofEpochSecond(full.getManifest().getStartedAt().getSeconds()).minusSeconds(60);
    try (BackupData target = start("pitr-early")) {
      Status status = status(() -> restore("pitr-early", beforeBackup));
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .contains("target_time")
          .contains("before backup " + full.getBackupId());
      Status none =
          status(
              () ->
                  bed.backups()
                      .restoreBackup(
                          RestoreBackupRequest.newBuilder()
                              .setSourceInstanceId("pitr-src")
                              .setInstanceId("pitr-early")
                              .setTargetTime(
                                  Timestamp.newBuilder().setSeconds(beforeBackup.getEpochSecond()))
                              .build()));
      assertThat(none.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(none.getDescription()).contains("no COMPLETED full or incremental backup");
      assertThat(target.fingerprint()).isEmpty();
    }
  }

  @Test
  @Order(5)
  void aTargetAfterTheNewestArchivedLogIsRefusedAndTheInstanceStaysEmpty() throws Exception {
    try (BackupData target = start("pitr-late")) {
      Status status = status(() -> restore("pitr-late", Instant.now().plus(Duration.ofHours(1))));
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .contains("target_time")
          .contains("after the newest archived log");
      assertThat(target.fingerprint()).isEmpty();
    }
  }

  @Test
  @Order(6)
  void deletingABackupRemovesTheArchivedLogOnlyItNeeded() throws Exception {
    flush("pitr-src"); // the next backup starts in a later log file
    Backup second = backup("pitr-src");
    source.write("ledger", "after-second-backup");
    Map<String, String> expected = source.fingerprint();
    Thread.sleep(GAP.toMillis());
    Instant target = Instant.now();
    Thread.sleep(GAP.toMillis());
    flush("pitr-src");
    List<String> before = archived("pitr-src");

    bed.backups()
        .deleteBackup(DeleteBackupRequest.newBuilder().setBackupId(full.getBackupId()).build());

    List<String> after = archived("pitr-src");
    assertThat(after).isNotEmpty().hasSizeLessThan(before.size()).doesNotContain(before.get(0));
    assertThat(before).containsAll(after);
    assertThat(restoreIntoFresh("pitr-b2", second, target)).isEqualTo(expected);
    this.second = second;
  }

  @Test
  @Order(7)
  void restoreToTheEndOfTheArchiveHoldsEveryArchivedWrite() throws Exception {
    Assumptions.assumeTrue(second != null, "the retention test did not run");
    source.write("ledger", "the last write before the disaster");
    Map<String, String> expected = source.fingerprint();
    flush("pitr-src");
    int port = Ports.free();
    bed.startAgent(
        bed.agentConfig(
            "pitr-latest",
            provider.pluginsDir(),
            provider.datastore(work.resolve("pitr-latest"), port)));
    bed.awaitHealthy("pitr-latest", Duration.ofSeconds(90));
    bed.backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(second.getBackupId())
                .setInstanceId("pitr-latest")
                .setToEndOfArchive(true)
                .build());
    bed.awaitHealthy("pitr-latest", Duration.ofSeconds(90));
    RootLogin root = bed.enableRoot("pitr-latest");
    try (BackupData restored = provider.backupData(port, root.name(), root.password())) {
      assertThat(restored.fingerprint()).isEqualTo(expected);
    }
  }

  // ---- helpers ----

  /** The files of an archive in the testbed's local storage, in name order. */
  private List<String> archived(String archiveId) throws IOException {
    try (Stream<Path> files = Files.list(archiveDir(archiveId))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private BackupData start(String instance) throws Exception {
    int port = Ports.free();
    ports.put(instance, port);
    bed.startAgent(
        bed.agentConfig(
            instance, provider.pluginsDir(), provider.datastore(work.resolve(instance), port)));
    InstanceStatus status = bed.awaitHealthy(instance, Duration.ofSeconds(90));
    if (declared() == null && !declare(status, Area.POINT_IN_TIME)) {
      return null; // the first instance says what the plugin declares; nothing more to set up
    }
    RootLogin root = bed.enableRoot(instance);
    roots.put(instance, root);
    return provider.backupData(port, root.name(), root.password());
  }

  /** The port of an instance this suite started (e.g. "pitr-src"). */
  protected int port(String instance) {
    return ports.get(instance);
  }

  /** The superuser login of an instance this suite started. */
  protected RootLogin root(String instance) {
    return roots.get(instance);
  }

  /** The source's data checks. */
  protected BackupData source() {
    return source;
  }

  /** The newest backup of the source the ordered tests took (after test 6), or null. */
  protected Backup secondBackup() {
    return second;
  }

  /** Closes the source's current log file and waits until it is archived. */
  protected LogArchiveFlushed flushSource() {
    return flush("pitr-src");
  }

  private Map<String, String> restoreIntoFresh(String instance, Instant target) throws Exception {
    return restoreIntoFresh(instance, full, target);
  }

  private Map<String, String> restoreIntoFresh(String instance, Backup backup, Instant target)
      throws Exception {
    return restoreIntoFresh(
        instance,
        backup,
        r ->
            r.setTargetTime(
                Timestamp.newBuilder()
                    .setSeconds(target.getEpochSecond())
                    .setNanos(target.getNano())));
  }

  /**
   * Restores {@code backup} into a fresh instance with the target {@code target} sets on the
   * request, and returns the restored data's fingerprint (after checking that it takes writes).
   */
  protected Map<String, String> restoreIntoFresh(
      String instance, Backup backup, Consumer<RestoreBackupRequest.Builder> target)
      throws Exception {
    int port = Ports.free();
    bed.startAgent(
        bed.agentConfig(
            instance, provider.pluginsDir(), provider.datastore(work.resolve(instance), port)));
    bed.awaitHealthy(instance, Duration.ofSeconds(90));
    RestoreBackupRequest.Builder request =
        RestoreBackupRequest.newBuilder().setBackupId(backup.getBackupId()).setInstanceId(instance);
    target.accept(request);
    bed.backups().restoreBackup(request.build());
    bed.awaitHealthy(instance, Duration.ofSeconds(90));
    RootLogin root = bed.enableRoot(instance);
    try (BackupData restored = provider.backupData(port, root.name(), root.password())) {
      Map<String, String> fingerprint = restored.fingerprint();
      restored.write("ledger", "after-restore"); // it is a primary
      return fingerprint;
    }
  }

  private void restore(String instance, Instant target) {
    restore(instance, full, target);
  }

  private void restore(String instance, Backup backup, Instant target) {
    bed.backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(backup.getBackupId())
                .setInstanceId(instance)
                .setTargetTime(
                    Timestamp.newBuilder()
                        .setSeconds(target.getEpochSecond())
                        .setNanos(target.getNano()))
                .build());
  }

  private Backup backup(String instance) throws InterruptedException {
    Backup started =
        bed.backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(instance)
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Backup done = bed.awaitBackup(started.getBackupId(), JOB);
    assertThat(done.getState())
        .as("backup %s: %s", done.getBackupId(), done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
    assertThat(done.getManifest().getPositionsMap()).containsEntry("log_archive", instance);
    return done;
  }

  private LogArchiveFlushed flush(String instance) {
    return bed.backups()
        .flushLogArchive(FlushLogArchiveRequest.newBuilder().setInstanceId(instance).build());
  }

  private static Status status(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call succeeded");
  }
}
