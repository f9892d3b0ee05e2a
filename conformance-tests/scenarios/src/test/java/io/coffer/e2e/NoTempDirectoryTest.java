package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import io.coffer.tck.process.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent needs no temporary directory: its JNI libraries unpack into its state directory. With
 * java.io.tmpdir pointing at a regular file (as unusable as a noexec /tmp, or more so), a real
 * agent starts (SQLite journal; JNA, for the MariaDB driver's socket), talks TLS by BoringSSL
 * rather than falling back to the JDK, and takes a compressed, encrypted backup (zstd).
 */
class NoTempDirectoryTest {
  @Test
  void agentStartsConnectsByBoringSslAndBacksUpWithoutATempDirectory() throws Exception {
    MysqlProvider mysql = MysqlProvider.requireMariadb();
    // mariadbd runs as the mysql user: it must be able to traverse the directory
    Path dir =
        Files.createTempDirectory(
            "coffer-notmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    // a file: nothing can be unpacked under it, nor can it be created as a directory
    Path noTmp = Files.writeString(dir.resolve("not-a-directory"), "");
    try (Testbed bed = Testbed.start(dir)) {
      AgentConfig config =
          bed.agentConfig(
              "notmp",
              mysql.pluginsDir(),
              mysql.datastore(dir.resolve("instance"), Ports.free()),
              bed.agentPort());
      List<String> jvm = new ArrayList<>(AgentProcess.JVM);
      jvm.add("-Djava.io.tmpdir=" + noTmp);
      AgentProcess agent = bed.startAgentProcess(config, jvm);
      bed.awaitHealthy("notmp", Duration.ofSeconds(90));

      Backup started =
          bed.backups()
              .createBackup(
                  CreateBackupRequest.newBuilder()
                      .setInstanceId("notmp")
                      .setType(BackupType.BACKUP_TYPE_FULL)
                      .build());
      Backup done = bed.awaitBackup(started.getBackupId(), Duration.ofMinutes(3));

      assertThat(done.getState())
          .as(done.getErrorMessage())
          .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
      assertThat(Files.readString(agent.log())).contains("TLS to the control by BoringSSL");
      assertThat(noTmp).isRegularFile();
      assertThat(config.stateDir().resolve("native")).isDirectory();
    }
  }
}
