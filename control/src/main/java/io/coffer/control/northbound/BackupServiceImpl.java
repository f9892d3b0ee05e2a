package io.coffer.control.northbound;

import com.google.protobuf.Timestamp;
import io.coffer.control.backup.BackupEntry;
import io.coffer.control.backup.BackupManager;
import io.coffer.control.backup.BackupRestores;
import io.coffer.control.backup.CronExpression;
import io.coffer.control.backup.PointInTime;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupServiceGrpc;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.DeleteBackupResponse;
import io.coffer.proto.v1.DeleteBackupScheduleRequest;
import io.coffer.proto.v1.DeleteBackupScheduleResponse;
import io.coffer.proto.v1.FlushLogArchive;
import io.coffer.proto.v1.FlushLogArchiveRequest;
import io.coffer.proto.v1.GetBackupRequest;
import io.coffer.proto.v1.GetBackupScheduleRequest;
import io.coffer.proto.v1.ListBackupsRequest;
import io.coffer.proto.v1.ListBackupsResponse;
import io.coffer.proto.v1.LogArchiveFlushed;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.SetBackupScheduleRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Backups, restores and schedules (see northbound.proto); validation here, the work in {@link
 * BackupManager}.
 */
public final class BackupServiceImpl extends BackupServiceGrpc.BackupServiceImplBase {
  private static final Pattern BACKUP_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /** Keep-limits beyond these are typos, not policies. */
  private static final int MAX_KEEP_COUNT = 10_000;

  private static final int MAX_KEEP_DAYS = 36_500;

  private final BackupManager backups;
  private final AgentCalls calls;
  private final Duration jobTimeout;

  BackupServiceImpl(BackupManager backups, AgentCalls calls, Duration jobTimeout) {
    this.backups = backups;
    this.calls = calls;
    this.jobTimeout = jobTimeout;
  }

  @Override
  public void createBackup(CreateBackupRequest request, StreamObserver<Backup> out) {
    MonoReplies.reply(
        () -> {
          String instance = Requests.instanceId(request.getInstanceId());
          String commandId = Requests.commandId(request.getOptions());
          BackupType type =
              switch (request.getType()) {
                case BACKUP_TYPE_UNSPECIFIED -> BackupType.BACKUP_TYPE_FULL;
                case BACKUP_TYPE_FULL, BACKUP_TYPE_INCREMENTAL, BACKUP_TYPE_LOGICAL ->
                    request.getType();
                default ->
                    throw ApiErrors.invalidArgument("type", "must be full, incremental or logical");
              };
          if (!request.getParentId().isEmpty()) {
            backupId("parent_id", request.getParentId());
          }
          return backups
              .create(instance, type, request.getParentId(), commandId, BackupEntry.ORIGIN_USER)
              .map(BackupEntry::toProto);
        },
        out);
  }

  @Override
  public void getBackup(GetBackupRequest request, StreamObserver<Backup> out) {
    MonoReplies.reply(
        () -> {
          String id = backupId("backup_id", request.getBackupId());
          return backups
              .get(id)
              .flatMap(
                  b ->
                      b.map(e -> Mono.just(e.toProto()))
                          .orElseGet(
                              () -> Mono.error(ApiErrors.notFound("no backup '" + id + "'"))));
        },
        out);
  }

  @Override
  public void listBackups(ListBackupsRequest request, StreamObserver<ListBackupsResponse> out) {
    MonoReplies.reply(
        () -> {
          String instance =
              request.getInstanceId().isEmpty() ? "" : Requests.instanceId(request.getInstanceId());
          return backups
              .list(instance)
              .map(
                  list ->
                      ListBackupsResponse.newBuilder()
                          .addAllBackups(list.stream().map(BackupEntry::toProto).toList())
                          .build());
        },
        out);
  }

  @Override
  public void deleteBackup(DeleteBackupRequest request, StreamObserver<DeleteBackupResponse> out) {
    MonoReplies.reply(
        () -> {
          String id = backupId("backup_id", request.getBackupId());
          Duration timeout = Requests.timeout(request.getOptions(), jobTimeout);
          return backups
              .delete(id, request.getCascade(), timeout)
              .map(ids -> DeleteBackupResponse.newBuilder().addAllDeletedBackupIds(ids).build());
        },
        out);
  }

  @Override
  public void restoreBackup(RestoreBackupRequest request, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          boolean choose =
              request.getBackupId().isEmpty() && !request.getSourceInstanceId().isEmpty();
          // choosing reads the catalog (SQLite, which may wait for a group commit): off the event
          // loop
          Mono<String> id =
              choose
                  ? chooseBackup(request)
                  : Mono.just(backupId("backup_id", request.getBackupId()));
          String instance = Requests.instanceId(request.getInstanceId());
          String commandId = Requests.commandId(request.getOptions());
          Duration timeout = Requests.timeout(request.getOptions(), jobTimeout);
          Timestamp target = request.hasTargetTime() ? targetTime(request.getTargetTime()) : null;
          int targets =
              (target != null ? 1 : 0)
                  + (request.getToEndOfArchive() ? 1 : 0)
                  + (request.getTargetLsn().isEmpty() ? 0 : 1)
                  + (request.getTargetName().isEmpty() ? 0 : 1)
                  + (request.getTargetGtid().isEmpty() ? 0 : 1);
          if (targets > 1) {
            throw ApiErrors.invalidArgument(
                "target_time",
                "give at most one of target_time, target_lsn, target_name, target_gtid and to_end_of_archive");
          }
          PointInTime pit =
              new PointInTime(
                  target,
                  request.getToEndOfArchive(),
                  request.getTargetLsn(),
                  request.getTargetName(),
                  request.getTargetGtid());
          return id.flatMap(
                  backup ->
                      backups
                          .restores()
                          .restore(
                              backup,
                              instance,
                              commandId,
                              BackupRestores.Mode.INTO_EMPTY,
                              pit,
                              timeout))
              .map(c -> CommandReply.newBuilder().setCommandId(c).build());
        },
        out);
  }

  /**
   * The backup a point-in-time restore of {@code source_instance_id} starts from. Bad input is
   * refused at once; the catalog is read on a blocking-capable thread.
   */
  private Mono<String> chooseBackup(RestoreBackupRequest request) {
    String source = Requests.instanceId(request.getSourceInstanceId());
    if (!request.hasTargetTime() && !request.getToEndOfArchive()) {
      throw ApiErrors.invalidArgument(
          "backup_id",
          "is required unless a target_time or to_end_of_archive is given"
              + " with source_instance_id");
    }
    Instant before =
        request.hasTargetTime()
            ? Instant.ofEpochSecond(
                request.getTargetTime().getSeconds(), request.getTargetTime().getNanos())
            : Instant.MAX;
    return Mono.fromCallable(
            () ->
                backups
                    .newestForPointInTime(source, before)
                    .orElseThrow(
                        () ->
                            Status.FAILED_PRECONDITION
                                .withDescription(
                                    "instance "
                                        + source
                                        + " has no COMPLETED full or incremental backup with log"
                                        + " archiving"
                                        + (request.hasTargetTime()
                                            ? " that finished before " + before
                                            : ""))
                                .asRuntimeException()))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static Timestamp targetTime(Timestamp t) {
    if (t.getSeconds() <= 0 || t.getNanos() < 0 || t.getNanos() > 999_999_999) {
      throw ApiErrors.invalidArgument("target_time", "is not a valid instant after 1970");
    }
    return t;
  }

  @Override
  public void flushLogArchive(
      FlushLogArchiveRequest request, StreamObserver<LogArchiveFlushed> out) {
    MonoReplies.reply(
        () -> {
          Duration wait =
              Duration.ofSeconds(
                  request.getTimeoutSeconds() == 0 ? 120 : request.getTimeoutSeconds());
          Operation op =
              Operation.newBuilder()
                  .setFlushLogArchive(
                      FlushLogArchive.newBuilder().setTimeoutSeconds(request.getTimeoutSeconds()))
                  .build();
          return calls
              .call(request.getInstanceId(), request.getOptions(), op, wait.plusSeconds(30))
              .map(o -> o.result().getLogArchive());
        },
        out);
  }

  @Override
  public void setBackupSchedule(
      SetBackupScheduleRequest request, StreamObserver<BackupSchedule> out) {
    MonoReplies.reply(
        () -> {
          BackupSchedule s = request.getSchedule();
          Requests.instanceId(s.getInstanceId());
          cron("schedule.full_cron", Requests.required("schedule.full_cron", s.getFullCron()));
          if (!s.getIncrementalCron().isEmpty()) {
            cron("schedule.incremental_cron", s.getIncrementalCron());
          }
          if (s.getKeepCount() > MAX_KEEP_COUNT) {
            throw ApiErrors.invalidArgument(
                "schedule.keep_count", "must be at most " + MAX_KEEP_COUNT + " (0: no limit)");
          }
          if (s.getKeepDays() > MAX_KEEP_DAYS) {
            throw ApiErrors.invalidArgument(
                "schedule.keep_days", "must be at most " + MAX_KEEP_DAYS + " (0: no limit)");
          }
          return backups.schedules().setSchedule(s);
        },
        out);
  }

  @Override
  public void getBackupSchedule(
      GetBackupScheduleRequest request, StreamObserver<BackupSchedule> out) {
    MonoReplies.reply(
        () -> {
          String instance = Requests.instanceId(request.getInstanceId());
          return backups
              .schedules()
              .schedule(instance)
              .flatMap(
                  s ->
                      s.map(Mono::just)
                          .orElseGet(
                              () ->
                                  Mono.error(
                                      ApiErrors.notFound(
                                          "instance '" + instance + "' has no backup schedule"))));
        },
        out);
  }

  @Override
  public void deleteBackupSchedule(
      DeleteBackupScheduleRequest request, StreamObserver<DeleteBackupScheduleResponse> out) {
    MonoReplies.reply(
        () -> {
          String instance = Requests.instanceId(request.getInstanceId());
          return backups
              .schedules()
              .deleteSchedule(instance)
              .map(deleted -> DeleteBackupScheduleResponse.getDefaultInstance());
        },
        out);
  }

  private static String backupId(String field, String id) {
    if (id.isEmpty()) {
      throw ApiErrors.invalidArgument(field, "is required");
    }
    if (!BACKUP_ID.matcher(id).matches()) {
      throw ApiErrors.invalidArgument(
          field, "'" + id + "' is not a backup id (1-64 characters of a-z, 0-9 and '-')");
    }
    return id;
  }

  private static void cron(String field, String text) {
    try {
      CronExpression.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiErrors.invalidArgument(field, e.getMessage());
    }
  }
}
