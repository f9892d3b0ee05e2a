package io.coffer.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.coffer.control.ca.CofferHome;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupManifest;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.DeleteBackupResponse;
import io.coffer.proto.v1.GetBackupRequest;
import io.coffer.proto.v1.GetBackupScheduleRequest;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.proto.v1.ListBackupsRequest;
import io.coffer.proto.v1.ListBackupsResponse;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.SetBackupScheduleRequest;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer backup ...} and {@code coffer restore}, against {@link FakeControl}. */
class BackupCommandsTest {

  private static final long MIB = 1024 * 1024;

  @TempDir Path tmp;
  CofferHome home;
  FakeControl control;

  @BeforeEach
  void start() throws Exception {
    home = new CofferHome(tmp.resolve("coffer"));
    assertThat(Cli.run("--home", home.root().toString(), "certs", "init").exitCode()).isZero();
    control = new FakeControl(home);
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  private Cli.Result coffer(String... args) {
    List<String> all =
        new ArrayList<>(List.of("--home", home.root().toString(), "--control", control.address()));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  private static Timestamp at(long epochSecond) {
    return Timestamp.newBuilder().setSeconds(epochSecond).build();
  }

  private static Backup.Builder backup(String id, BackupState state) {
    return Backup.newBuilder()
        .setBackupId(id)
        .setInstanceId("db-1")
        .setType(BackupType.BACKUP_TYPE_FULL)
        .setState(state)
        .setCommandId("c-1")
        .setOrigin("user")
        .setCreated(at(1_700_000_000));
  }

  private static BackupManifest manifest() {
    return BackupManifest.newBuilder()
        .setBackupId("bk-000000000001")
        .setEngine("mysql")
        .setEngineVersion("10.11.6-MariaDB")
        .setTool("mariabackup")
        .setToolVersion("10.11.6-MariaDB")
        .setType(BackupType.BACKUP_TYPE_FULL)
        .putPositions("gtid_set", "0-1-42")
        .putPositions("binlog_file", "mysql-bin.000003")
        .putPositions("binlog_offset", "1234")
        .setRawBytes(1536 * MIB)
        .setCompressedBytes(300 * MIB)
        .setStoredBytes(301 * MIB)
        .setSha256("ab".repeat(32))
        .setCompression("zstd")
        .setEncryption("AES256_GCM_HKDF_1MB")
        .setKeyId("mk-3f9a12c0")
        .setStartedAt(at(1_700_000_001))
        .setFinishedAt(at(1_700_000_066))
        .build();
  }

  @Test
  void createWaitsForTheBackupAndPrintsASummary() {
    control.queue(
        "GetBackup",
        backup("bk-000000000001", BackupState.BACKUP_STATE_PENDING).build(),
        backup("bk-000000000001", BackupState.BACKUP_STATE_COMPLETED)
            .setFinished(at(1_700_000_067))
            .setManifest(manifest())
            .build());
    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("c-1")
            .setState(CommandState.COMMAND_STATE_PENDING)
            .setProgressBytes(12 * MIB)
            .setProgressPercent(-1)
            .build());

    Cli.Result result = coffer("backup", "create", "db-1", "--command-id", "c-1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    CreateBackupRequest sent = control.last(CreateBackupRequest.class);
    assertThat(sent.getInstanceId()).isEqualTo("db-1");
    assertThat(sent.getType()).isEqualTo(BackupType.BACKUP_TYPE_FULL);
    assertThat(sent.getParentId()).isEmpty();
    assertThat(sent.getOptions().getCommandId()).isEqualTo("c-1");
    assertThat(control.all(GetBackupRequest.class))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.getBackupId()).isEqualTo("bk-000000000001"));
    assertThat(control.all(GetCommandRequest.class))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getCommandId()).isEqualTo("c-1"));
    assertThat(result.out().lines())
        .containsExactly(
            "Started full backup bk-000000000001 of db-1 (command-id c-1)",
            "Completed full backup bk-000000000001 of db-1 (command-id c-1):",
            "  id:           bk-000000000001",
            "  type:         full",
            "  raw size:     1.5 GiB (1610612736 bytes)",
            "  stored size:  301.0 MiB (315621376 bytes)",
            "  duration:     1m05s");
    assertThat(result.err())
        .isEmpty(); // not a terminal, and shorter than a progress line's interval
  }

  @Test
  void createSendsTheType() {
    control.replies.put(
        "CreateBackup",
        backup("bk-000000000002", BackupState.BACKUP_STATE_PENDING)
            .setType(BackupType.BACKUP_TYPE_INCREMENTAL)
            .setParentId("bk-000000000001")
            .setCommandId("c-2")
            .build());
    Cli.Result result =
        coffer(
            "backup",
            "create",
            "db-1",
            "--incremental",
            "--parent",
            "bk-000000000001",
            "--no-wait",
            "--command-id",
            "c-2");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(control.last(CreateBackupRequest.class).getType())
        .isEqualTo(BackupType.BACKUP_TYPE_INCREMENTAL);
    assertThat(control.last(CreateBackupRequest.class).getParentId()).isEqualTo("bk-000000000001");
    assertThat(result.out())
        .isEqualTo(
            "Started incremental backup bk-000000000002 of db-1 (command-id c-2); "
                + "follow it with 'coffer backup show bk-000000000002'\n");
    assertThat(control.all(GetBackupRequest.class)).isEmpty();

    control.replies.remove("CreateBackup");
    assertThat(coffer("backup", "create", "db-1", "--incremental", "--no-wait").exitCode())
        .isZero();
    assertThat(control.last(CreateBackupRequest.class).getType())
        .isEqualTo(BackupType.BACKUP_TYPE_INCREMENTAL);
    assertThat(control.last(CreateBackupRequest.class).getParentId())
        .isEmpty(); // the control picks it
    assertThat(control.last(CreateBackupRequest.class).getOptions().getCommandId()).isNotEmpty();

    assertThat(coffer("backup", "create", "db-1", "--logical", "--no-wait").exitCode()).isZero();
    assertThat(control.last(CreateBackupRequest.class).getType())
        .isEqualTo(BackupType.BACKUP_TYPE_LOGICAL);
  }

  @Test
  void aFailedBackupIsAOneLineErrorWithExitCodeOne() {
    control.queue(
        "GetBackup",
        backup("bk-000000000001", BackupState.BACKUP_STATE_FAILED)
            .setErrorMessage("mariabackup exited with 1: No space left on device")
            .build());
    Cli.Result result = coffer("backup", "create", "db-1", "--command-id", "c-1");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .isEqualTo("Started full backup bk-000000000001 of db-1 (command-id c-1)\n");
    assertThat(result.err())
        .isEqualTo(
            "coffer: full backup bk-000000000001 of db-1 failed: "
                + "mariabackup exited with 1: No space left on device (command-id c-1)\n");
  }

  @Test
  void createWithJsonPrintsOnlyTheFinalBackup() throws Exception {
    control.queue(
        "GetBackup",
        backup("bk-000000000001", BackupState.BACKUP_STATE_COMPLETED)
            .setManifest(manifest())
            .build());
    Cli.Result result = coffer("backup", "create", "db-1", "--json");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.at("/backupId").asText()).isEqualTo("bk-000000000001");
    assertThat(json.at("/state").asText()).isEqualTo("BACKUP_STATE_COMPLETED");
    assertThat(json.at("/manifest/storedBytes").asText()).isEqualTo(String.valueOf(301 * MIB));
  }

  @Test
  void createOnAnUnknownInstanceIsNotFound() {
    control.errors.put(
        "CreateBackup",
        Status.NOT_FOUND
            .withDescription("instance 'nope' is not known to the control")
            .asRuntimeException());
    Cli.Result result = coffer("backup", "create", "nope", "--command-id", "c-9");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo(
            "coffer: NOT_FOUND: instance 'nope' is not known to the control (command-id c-9)\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void badCombinationsAreUsageErrorsBeforeConnecting() {
    for (List<String> args :
        List.of(
            List.of("backup", "create", "db-1", "--incremental", "--logical"),
            List.of("backup", "create", "db-1", "--parent", "bk-000000000001"),
            List.of("backup", "create", "db-1", "--logical", "--parent", "bk-000000000001"),
            List.of(
                "backup", "schedule", "set", "db-1", "--full", "0 3 * * *", "--keep-count", "-1"),
            List.of("backup", "schedule", "set", "db-1", "--full", "0 3 * * *", "--keep-days=-7"),
            List.of("backup", "schedule", "set", "db-1"),
            List.of("restore", "bk-000000000001"))) {
      Cli.Result result = coffer(args.toArray(String[]::new));
      assertThat(result.exitCode()).as(args + ": " + result).isEqualTo(2);
      assertThat(result.err().lines()).as(args + ": " + result).hasSize(1);
    }
    assertThat(control.requests).isEmpty();
    assertThat(coffer("backup", "create", "db-1", "--incremental", "--logical").err())
        .isEqualTo(
            "coffer: --incremental and --logical are mutually exclusive: an incremental backup is physical "
                + "(see 'coffer backup create --help')\n");
    assertThat(coffer("backup", "create", "db-1", "--parent", "bk-1").err())
        .isEqualTo(
            "coffer: --parent is only allowed with --incremental (see 'coffer backup create --help')\n");
    assertThat(
            coffer("backup", "schedule", "set", "db-1", "--full", "0 3 * * *", "--keep-count", "-1")
                .err())
        .isEqualTo(
            "coffer: Invalid value for option '--keep-count': -1 is negative (0 means no limit) "
                + "(see 'coffer backup schedule set --help')\n");
  }

  @Test
  void listIsATableNewestFirst() {
    Instant now = Instant.now();
    control.replies.put(
        "ListBackups",
        ListBackupsResponse.newBuilder()
            .addBackups(
                backup("bk-000000000003", BackupState.BACKUP_STATE_PENDING)
                    .setType(BackupType.BACKUP_TYPE_INCREMENTAL)
                    .setParentId("bk-000000000001")
                    .setCreated(at(now.getEpochSecond() - 300)))
            .addBackups(
                backup("bk-000000000002", BackupState.BACKUP_STATE_FAILED)
                    .setType(BackupType.BACKUP_TYPE_LOGICAL)
                    .setCreated(at(now.getEpochSecond() - 3 * 3600)))
            .addBackups(
                backup("bk-000000000001", BackupState.BACKUP_STATE_COMPLETED)
                    .setManifest(manifest())
                    .setCreated(at(now.getEpochSecond() - 3 * 86400)))
            .build());
    Cli.Result result = coffer("backup", "list", "db-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(control.last(ListBackupsRequest.class).getInstanceId()).isEqualTo("db-1");
    assertThat(result.out().lines())
        .containsExactly(
            "ID               INSTANCE  TYPE         PARENT           STATE      SIZE       CREATED",
            "bk-000000000003  db-1      incremental  bk-000000000001  pending    -          5m ago",
            "bk-000000000002  db-1      logical      -                failed     -          3h ago",
            "bk-000000000001  db-1      full         -                completed  301.0 MiB  3d ago");

    assertThat(coffer("backup", "list").exitCode()).isZero();
    assertThat(control.last(ListBackupsRequest.class).getInstanceId()).isEmpty(); // every instance
  }

  @Test
  void showPrintsTheManifest() {
    control.replies.put(
        "GetBackup",
        backup("bk-000000000001", BackupState.BACKUP_STATE_COMPLETED)
            .setFinished(at(1_700_000_067))
            .setManifest(manifest())
            .setTakenOnInstanceId("db-1-replica")
            .build());
    Cli.Result result = coffer("backup", "show", "bk-000000000001");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "Backup:           bk-000000000001",
            "Instance:         db-1",
            "Type:             full",
            "Parent:           -",
            "State:            completed",
            "Origin:           user",
            "Taken on:         db-1-replica",
            "Command:          c-1",
            "Created:          2023-11-14T22:13:20Z",
            "Finished:         2023-11-14T22:14:27Z",
            "Engine:           mysql",
            "Engine version:   10.11.6-MariaDB",
            "Tool:             mariabackup 10.11.6-MariaDB",
            "Positions:        binlog_file=mysql-bin.000003, binlog_offset=1234, gtid_set=0-1-42",
            "Raw size:         1.5 GiB (1610612736 bytes)",
            "Compressed size:  300.0 MiB (314572800 bytes), zstd",
            "Stored size:      301.0 MiB (315621376 bytes), AES256_GCM_HKDF_1MB",
            "SHA-256:          " + "ab".repeat(32),
            "Key id:           mk-3f9a12c0",
            "Started:          2023-11-14T22:13:21Z",
            "Ended:            2023-11-14T22:14:26Z",
            "Duration:         1m05s");

    control.replies.put(
        "GetBackup",
        backup("bk-000000000002", BackupState.BACKUP_STATE_FAILED)
            .setErrorMessage("agent db-1 was restarted mid-way")
            .build());
    result = coffer("backup", "show", "bk-000000000002");
    assertThat(result.out())
        .contains("State:     failed\n", "Error:     agent db-1 was restarted mid-way\n")
        .doesNotContain("Engine");

    control.errors.put(
        "GetBackup", Status.NOT_FOUND.withDescription("no backup 'bk-x'").asRuntimeException());
    result = coffer("backup", "show", "bk-x");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).isEqualTo("coffer: NOT_FOUND: no backup 'bk-x'\n");
  }

  @Test
  void deletePrintsTheIdsDeleted() {
    control.replies.put(
        "DeleteBackup",
        DeleteBackupResponse.newBuilder()
            .addDeletedBackupIds("bk-000000000003")
            .addDeletedBackupIds("bk-000000000001")
            .build());
    Cli.Result result = coffer("backup", "delete", "bk-000000000001", "--cascade");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(control.last(DeleteBackupRequest.class).getCascade()).isTrue();
    assertThat(control.last(DeleteBackupRequest.class).getBackupId()).isEqualTo("bk-000000000001");
    assertThat(result.out())
        .isEqualTo("Deleted backup bk-000000000003\nDeleted backup bk-000000000001\n");
  }

  @Test
  void deleteOfABackupWithDependentsSaysToUseCascade() {
    // the control's wording (BackupManager)
    control.errors.put(
        "DeleteBackup",
        Status.FAILED_PRECONDITION
            .withDescription(
                "backup bk-000000000001 is the parent of [bk-000000000003, bk-000000000002]; delete those first, "
                    + "or delete with cascade")
            .asRuntimeException());
    Cli.Result result = coffer("backup", "delete", "bk-000000000001");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(control.last(DeleteBackupRequest.class).getCascade()).isFalse();
    assertThat(result.err())
        .isEqualTo(
            "coffer: FAILED_PRECONDITION: backup bk-000000000001 is the parent of "
                + "[bk-000000000003, bk-000000000002]; delete those first, or delete with --cascade\n");

    assertThat(BackupDelete.dependents("FAILED_PRECONDITION: backup b has dependents: [c]"))
        .isEqualTo(
            "FAILED_PRECONDITION: backup b has dependents: [c] (use --cascade to delete them too)");
    assertThat(
            BackupDelete.dependents(
                "FAILED_PRECONDITION: backup b is still running; delete it once it has ended"))
        .isEqualTo("FAILED_PRECONDITION: backup b is still running; delete it once it has ended");
    assertThat(BackupDelete.dependents("use --cascade")).isEqualTo("use --cascade");
  }

  @Test
  void restoreWaitsForTheControlAndFollowsTheProgress() {
    control.delays.put("RestoreBackup", 1_600L);
    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("r-1")
            .setState(CommandState.COMMAND_STATE_PENDING)
            .setProgressBytes(40 * MIB)
            .setProgressPercent(42)
            .build());
    Cli.Result result =
        coffer("restore", "bk-000000000001", "--instance", "db-2", "--command-id", "r-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    RestoreBackupRequest sent = control.last(RestoreBackupRequest.class);
    assertThat(sent.getBackupId()).isEqualTo("bk-000000000001");
    assertThat(sent.getInstanceId()).isEqualTo("db-2");
    assertThat(sent.getOptions().getCommandId()).isEqualTo("r-1");
    assertThat(sent.getOptions().getTimeoutMillis()).isZero(); // the control's job timeout
    assertThat(control.all(GetCommandRequest.class))
        .isNotEmpty() // polled while the restore ran
        .allSatisfy(r -> assertThat(r.getCommandId()).isEqualTo("r-1"));
    assertThat(result.out())
        .matches("Restored backup bk-000000000001 into db-2 in \\ds \\(command-id r-1\\)\n");

    control.delays.remove("RestoreBackup");
    assertThat(
            coffer("restore", "bk-000000000001", "--instance", "db-2", "--timeout", "2h")
                .exitCode())
        .isZero();
    assertThat(control.last(RestoreBackupRequest.class).getOptions().getTimeoutMillis())
        .isEqualTo(7_200_000);
  }

  @Test
  void aGtidTargetIsSentAndNamedInTheSummaryAndOnlyOneTargetIsTaken() {
    Cli.Result result =
        coffer(
            "restore",
            "bk-000000000001",
            "--instance",
            "db-2",
            "--target-gtid",
            "0-1-42",
            "--command-id",
            "r-9");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    RestoreBackupRequest sent = control.last(RestoreBackupRequest.class);
    assertThat(sent.getTargetGtid()).isEqualTo("0-1-42");
    assertThat(sent.hasTargetTime()).isFalse();
    assertThat(result.out())
        .startsWith("Restored backup bk-000000000001 into db-2 up to GTID 0-1-42 in ");

    int before = control.all(RestoreBackupRequest.class).size();
    result =
        coffer(
            "restore",
            "bk-000000000001",
            "--instance",
            "db-2",
            "--target-gtid",
            "0-1-42",
            "--latest");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("give at most one of --target-time, --target-lsn, --target-name, --target-gtid");
    assertThat(control.all(RestoreBackupRequest.class)).hasSize(before);
  }

  @Test
  void restoreErrorsAreOneLine() {
    control.errors.put(
        "RestoreBackup",
        Status.FAILED_PRECONDITION
            .withDescription("instance db-2 is not empty: it has databases shop")
            .asRuntimeException());
    Cli.Result result =
        coffer("restore", "bk-000000000001", "--instance", "db-2", "--command-id", "r-2");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "coffer: FAILED_PRECONDITION: instance db-2 is not empty: it has databases shop (command-id r-2)\n");
    assertThat(result.out()).isEmpty();

    control.errors.put(
        "RestoreBackup",
        Status.DATA_LOSS
            .withDescription("backup bk-000000000001: SHA-256 mismatch; the instance is untouched")
            .asRuntimeException());
    result = coffer("restore", "bk-000000000001", "--instance", "db-2", "--command-id", "r-3");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("coffer: DATA_LOSS: backup bk-000000000001: SHA-256 mismatch");
    assertThat(result.err().lines()).hasSize(1);
  }

  @Test
  void scheduleSetShowDelete() {
    Cli.Result result =
        coffer(
            "backup",
            "schedule",
            "set",
            "db-1",
            "--full",
            "0 3 * * *",
            "--incremental",
            "0 */4 * * *",
            "--keep-count",
            "7",
            "--keep-days",
            "30");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    BackupSchedule sent = control.last(SetBackupScheduleRequest.class).getSchedule();
    assertThat(sent)
        .isEqualTo(
            BackupSchedule.newBuilder()
                .setInstanceId("db-1")
                .setFullCron("0 3 * * *")
                .setIncrementalCron("0 */4 * * *")
                .setKeepCount(7)
                .setKeepDays(30)
                .build());
    assertThat(result.out())
        .startsWith("Set the backup schedule of db-1:\n  Instance:     db-1\n")
        .containsPattern(
            "  Full:         0 3 \\* \\* \\* \\(UTC; next \\d{4}-\\d\\d-\\d\\dT03:00:00Z\\)\n")
        .contains(
            "  Keep count:   7 full backups with their incrementals\n",
            "  Keep days:    30 days\n");

    assertThat(coffer("backup", "schedule", "set", "db-1", "--full", "0 3 * * *").exitCode())
        .isZero();
    assertThat(control.last(SetBackupScheduleRequest.class).getSchedule())
        .isEqualTo(
            BackupSchedule.newBuilder()
                .setInstanceId("db-1")
                .setFullCron("0 3 * * *")
                .build()); // the rest reset

    control.replies.put(
        "GetBackupSchedule",
        BackupSchedule.newBuilder()
            .setInstanceId("db-1")
            .setFullCron("0 3 * * *")
            .setKeepDays(1)
            .build());
    result = coffer("backup", "schedule", "show", "db-1");
    assertThat(result.exitCode()).isZero();
    assertThat(control.last(GetBackupScheduleRequest.class).getInstanceId()).isEqualTo("db-1");
    assertThat(result.out().lines())
        .hasSize(5)
        .contains("Incremental:  -", "Keep count:   no limit", "Keep days:    1 day");

    result = coffer("backup", "schedule", "delete", "db-1");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo("Deleted the backup schedule of db-1 (backups already taken stay)\n");

    control.errors.put(
        "SetBackupSchedule",
        Status.INVALID_ARGUMENT
            .withDescription("schedule.full_cron: 'bad' is not a cron expression of 5 fields")
            .asRuntimeException());
    result = coffer("backup", "schedule", "set", "db-1", "--full", "bad");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "coffer: INVALID_ARGUMENT: schedule.full_cron: 'bad' is not a cron expression "
                + "of 5 fields\n");

    control.errors.put(
        "GetBackupSchedule",
        Status.NOT_FOUND
            .withDescription("instance 'db-1' has no backup schedule")
            .asRuntimeException());
    result = coffer("backup", "schedule", "show", "db-1");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo("coffer: NOT_FOUND: instance 'db-1' has no backup schedule\n");
  }

  @Test
  void commandShowPrintsTheProgressOfAPendingCommand() {
    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("c-1")
            .setInstanceId("db-1")
            .setOperation("create_backup")
            .setState(CommandState.COMMAND_STATE_PENDING)
            .setCreated(at(1_700_000_000))
            .setProgressBytes(5 * MIB + MIB / 2)
            .setProgressPercent(42)
            .build());
    Cli.Result result = coffer("command", "show", "c-1");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "Command:    c-1",
            "Instance:   db-1",
            "Operation:  create_backup",
            "State:      pending",
            "Progress:   5.5 MiB, 42%",
            "Created:    2023-11-14T22:13:20Z",
            "Finished:   -");

    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("c-1")
            .setState(CommandState.COMMAND_STATE_PENDING)
            .setProgressBytes(3 * MIB)
            .setProgressPercent(-1)
            .build());
    assertThat(coffer("command", "show", "c-1").out()).contains("Progress:   3.0 MiB\n");

    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("c-1")
            .setState(CommandState.COMMAND_STATE_PENDING)
            .setProgressPercent(-1)
            .build());
    assertThat(coffer("command", "show", "c-1").out()).doesNotContain("Progress");
  }
}
