package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.FlushLogArchiveRequest;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.mysql.MysqlBackupData;
import io.coffer.tck.mysql.MysqlProvider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent is SIGKILLed while its server goes on committing and closing binary log files: after
 * the restart the agent archives what it missed, so a point-in-time restore to after the kill holds
 * every write (nothing the server committed while the agent was down is missing).
 */
class LogArchiveFaultsTest {
  Fixture f;

  @BeforeEach
  void start() throws Exception {
    f = Fixture.start("fault-archive", false, port -> port);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void logClosedWhileTheAgentWasKilledIsArchivedAfterItsRestart() throws Exception {
    var root = f.bed.enableRoot(f.instance);
    Map<String, String> expected;
    Backup full;
    try (MysqlBackupData data = new MysqlBackupData(f.dbPort, root.name(), root.password())) {
      data.load("ledger", 1 << 20);
      Backup started =
          f.bed
              .backups()
              .createBackup(
                  CreateBackupRequest.newBuilder()
                      .setInstanceId(f.instance)
                      .setType(BackupType.BACKUP_TYPE_FULL)
                      .build());
      full = f.bed.awaitBackup(started.getBackupId(), Duration.ofMinutes(3));
      assertThat(full.getState())
          .as(full.getErrorMessage())
          .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
      data.write("ledger", "before the kill");

      f.agent.kill9(); // mariadbd outlives its agent
      data.write("ledger", "while the agent is down");
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:mariadb://127.0.0.1:" + f.dbPort + "/", root.name(), root.password());
          Statement s = c.createStatement()) {
        s.execute("FLUSH BINARY LOGS"); // closed files nobody archives until the agent is back
        data.write("ledger", "in the next file");
        s.execute("FLUSH BINARY LOGS");
      }
      data.write("ledger", "last, still while the agent is down");
      expected = data.fingerprint();
    }
    Thread.sleep(1200); // binary log times are whole seconds
    Instant target = Instant.now();
    Thread.sleep(1200);

    f.startAgent(); // adopts the running mariadbd
    f.bed.awaitHealthy(f.instance, Duration.ofSeconds(90));
    f.bed
        .backups()
        .flushLogArchive(FlushLogArchiveRequest.newBuilder().setInstanceId(f.instance).build());

    MysqlProvider mysql = MysqlProvider.requireMariadb();
    int port = Ports.free();
    f.bed.startAgent(
        f.bed.agentConfig(
            "fault-archive-restored",
            mysql.pluginsDir(),
            mysql.datastore(f.dir.resolve("restored"), port)));
    f.bed.awaitHealthy("fault-archive-restored", Duration.ofSeconds(90));
    f.bed
        .backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(full.getBackupId())
                .setInstanceId("fault-archive-restored")
                .setTargetTime(
                    Timestamp.newBuilder()
                        .setSeconds(target.getEpochSecond())
                        .setNanos(target.getNano()))
                .build());
    var restoredRoot = f.bed.enableRoot("fault-archive-restored");
    try (MysqlBackupData restored =
        new MysqlBackupData(port, restoredRoot.name(), restoredRoot.password())) {
      assertThat(restored.fingerprint()).isEqualTo(expected);
    }
  }
}
