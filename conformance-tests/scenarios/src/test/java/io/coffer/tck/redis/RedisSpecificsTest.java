package io.coffer.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.ListUsersRequest;
import io.coffer.proto.v1.RestartInstanceRequest;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.UpdateConfigurationRequest;
import io.coffer.proto.v1.User;
import io.coffer.tck.Ports;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.RedisCommandExecutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What only Redis has, through the northbound API on real servers: ACL access rules that are
 * enforced and cannot be used to smuggle in passwords or switches, and a restore into an instance
 * with AOF on (AOF is off while the snapshot loads, then on again with a fresh AOF).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSpecificsTest {
  private final RedisProvider provider = RedisProvider.requireRedis();
  private Testbed bed;
  private Path work;
  private final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    work =
        Files.createTempDirectory(
            "coffer-redis-specifics",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    start("rs-a");
  }

  @AfterAll
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void accessRulesAreEnforcedByRedis() throws Exception {
    bed.users()
        .createUser(
            CreateUserRequest.newBuilder()
                .setInstanceId("rs-a")
                .setName("reader-writer")
                .setPassword("rw-pass-1")
                .setAccessRules("~app:* +@read +@write +@connection")
                .build());
    try (var c = RedisProvider.connect(ports.get("rs-a"), "reader-writer", "rw-pass-1")) {
      c.sync().set("app:1", "yes");
      assertThat(c.sync().get("app:1")).isEqualTo("yes");
      assertThatThrownBy(() -> c.sync().set("other:1", "no"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> c.sync().configGet("maxmemory"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageContaining("NOPERM");
    }
  }

  @Test
  void rulesThatTryToSetPasswordsOrSwitchesAreRefusedAndCreateNothing() {
    for (String rules :
        List.of(
            "on >pw ~* +@all",
            "~* +@all nopass",
            "reset ~* +@all",
            "(~* +@all)",
            "#" + "a".repeat(64),
            "~* resetpass",
            "+@all off",
            "~* +@all <old")) {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  bed.users()
                      .createUser(
                          CreateUserRequest.newBuilder()
                              .setInstanceId("rs-a")
                              .setName("smuggler")
                              .setPassword("pw-pw-pw")
                              .setAccessRules(rules)
                              .build()));
      assertThat(e).as(rules).isNotNull();
      assertThat(e.getStatus().getCode()).as(rules).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription())
          .as(rules)
          .contains("access_rules")
          .doesNotContain(">pw");
    }
    assertThat(
            bed.users()
                .listUsers(ListUsersRequest.newBuilder().setInstanceId("rs-a").build())
                .getUsersList())
        .extracting(User::getName)
        .doesNotContain("smuggler");
  }

  @Test
  void aRestoreIntoAnInstanceWithAofOnLoadsTheSnapshotAndKeepsAofOn() throws Exception {
    start("rs-src");
    start("rs-aof");
    for (String id : List.of("rs-src", "rs-aof")) {
      bed.configuration()
          .updateConfiguration(
              UpdateConfigurationRequest.newBuilder()
                  .setInstanceId(id)
                  .putValues("appendonly", "yes")
                  .build());
    }
    Map<String, String> expected;
    try (RedisBackupData src = data("rs-src")) {
      src.load("aof", 2 << 20);
      expected = src.fingerprint();
    }
    Backup started =
        bed.backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId("rs-src")
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Backup done = bed.awaitBackup(started.getBackupId(), Duration.ofMinutes(2));
    assertThat(done.getState())
        .as(done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);

    bed.backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(done.getBackupId())
                .setInstanceId("rs-aof")
                .build());
    bed.awaitHealthy("rs-aof", Duration.ofSeconds(60));
    try (RedisBackupData restored = data("rs-aof")) {
      assertThat(restored.fingerprint()).isEqualTo(expected);
    }
    assertThat(
            provider.showParameter(
                ports.get("rs-aof"),
                root("rs-aof").name(),
                root("rs-aof").password(),
                "appendonly"))
        .isEqualTo("yes");

    // after a restart the data comes from the new AOF
    bed.instances()
        .withDeadlineAfter(3, TimeUnit.MINUTES)
        .restartInstance(RestartInstanceRequest.newBuilder().setInstanceId("rs-aof").build());
    bed.awaitHealthy("rs-aof", Duration.ofSeconds(60));
    assertThat(work.resolve("rs-aof").resolve("data").resolve("appendonlydir")).isDirectory();
    try (RedisBackupData restored = data("rs-aof")) {
      assertThat(restored.fingerprint()).isEqualTo(expected);
    }
  }

  private final Map<String, RootLogin> roots = new HashMap<>();

  private RootLogin root(String id) {
    return roots.computeIfAbsent(id, i -> bed.enableRoot(i));
  }

  private RedisBackupData data(String id) {
    RootLogin r = root(id);
    return (RedisBackupData) provider.backupData(ports.get(id), r.name(), r.password());
  }

  private void start(String id) throws Exception {
    int port = Ports.free();
    ports.put(id, port);
    bed.startAgent(
        bed.agentConfig(id, provider.pluginsDir(), provider.datastore(work.resolve(id), port)));
    bed.awaitHealthy(id, Duration.ofSeconds(90));
  }
}
