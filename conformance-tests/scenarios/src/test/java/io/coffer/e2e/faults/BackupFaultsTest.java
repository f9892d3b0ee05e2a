package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CancelCommandRequest;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.tck.mysql.MysqlBackupData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent is SIGKILLed while a backup streams to storage: after it restarts the backup is FAILED,
 * nothing of it is left in storage (not even a half-written temporary file), no backup tool
 * lingers, and the next backup succeeds.
 */
class BackupFaultsTest {
  Fixture f;

  @BeforeEach
  void start() throws Exception {
    f = Fixture.start("fault-backup", false, port -> port);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void aBackupCutByKill9EndsFailedLeavesNothingAndTheNextOneSucceeds() throws Exception {
    var root = f.bed.enableRoot(f.instance);
    try (MysqlBackupData data = new MysqlBackupData(f.dbPort, root.name(), root.password())) {
      data.load("big", 160L << 20); // enough for the backup to stream for a while
    }
    Backup started =
        f.bed
            .backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(f.instance)
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Path objects = f.bed.backupDir().resolve(started.getBackupId());
    awaitPartialDataObject(objects, Duration.ofSeconds(60));
    // progress reaches the control while the backup streams
    assertThat(awaitProgress(started.getCommandId(), Duration.ofSeconds(30))).isPositive();

    f.agent.kill9();
    f.startAgent();

    Backup failed = f.bed.awaitBackup(started.getBackupId(), Duration.ofSeconds(90));
    assertThat(failed.getState()).isEqualTo(BackupState.BACKUP_STATE_FAILED);
    assertThat(failed.getErrorMessage()).containsIgnoringCase("interrupted");
    assertThat(files(objects)).isEmpty();
    awaitNoBackupToolFor(f.dir, Duration.ofSeconds(20));

    Backup next =
        f.bed
            .backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(f.instance)
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Backup done = f.bed.awaitBackup(next.getBackupId(), Duration.ofMinutes(3));
    assertThat(done.getState())
        .as(done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
    assertThat(done.getManifest().getRawBytes()).isGreaterThan(160L << 20);
  }

  @Test
  void aCancelledBackupStopsItsToolKeepsNothingAndEndsFailed() throws Exception {
    var root = f.bed.enableRoot(f.instance);
    try (MysqlBackupData data = new MysqlBackupData(f.dbPort, root.name(), root.password())) {
      data.load("big", 160L << 20);
    }
    Backup started =
        f.bed
            .backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(f.instance)
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Path objects = f.bed.backupDir().resolve(started.getBackupId());
    awaitPartialDataObject(objects, Duration.ofSeconds(60));

    f.bed
        .commands()
        .cancelCommand(
            CancelCommandRequest.newBuilder().setCommandId(started.getCommandId()).build());

    Backup failed = f.bed.awaitBackup(started.getBackupId(), Duration.ofSeconds(60));
    assertThat(failed.getState()).isEqualTo(BackupState.BACKUP_STATE_FAILED);
    assertThat(failed.getErrorMessage()).contains("cancelled");
    assertThat(f.command(started.getCommandId()).getErrorCode()).isEqualTo("CANCELLED");
    assertThat(f.command(started.getCommandId()).getState())
        .isEqualTo(CommandState.COMMAND_STATE_CANCELLED);
    assertThat(files(objects)).isEmpty();
    awaitNoBackupToolFor(f.dir, Duration.ofSeconds(20));
  }

  private long awaitProgress(String commandId, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      long bytes = f.command(commandId).getProgressBytes();
      if (bytes > 0) {
        return bytes;
      }
      Thread.sleep(10);
    }
    return 0;
  }

  /** The data object is being written: its temporary file exists and has grown. */
  private static void awaitPartialDataObject(Path dir, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      for (Path p : files(dir)) {
        if (p.getFileName().toString().startsWith(".tmp-") && Files.size(p) > (4 << 20)) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no partial data object appeared in " + dir + " within " + timeout);
  }

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** An orphan may stay a zombie until PID 1 reaps it: that is dead. */
  private static boolean runningNotZombie(ProcessHandle p) {
    try {
      return p.isAlive()
          && Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
              .noneMatch(l -> l.startsWith("State:") && l.contains("Z"));
    } catch (IOException e) {
      return false; // gone
    }
  }

  /**
   * mariabackup dies of SIGPIPE once the agent's end of its pipe is gone; a survivor would be a
   * leak.
   */
  private static void awaitNoBackupToolFor(Path dir, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<ProcessHandle> left = List.of();
    while (System.nanoTime() < end) {
      left =
          ProcessHandle.allProcesses()
              .filter(
                  p ->
                      p.info()
                          .command()
                          .map(c -> c.endsWith("mariabackup") || c.endsWith("mariadb-backup"))
                          .orElse(false))
              .filter(
                  p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
              .filter(BackupFaultsTest::runningNotZombie)
              .toList();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "backup tool still running: "
            + left.stream().map(p -> p.info().commandLine().orElse("?")).toList());
  }
}
