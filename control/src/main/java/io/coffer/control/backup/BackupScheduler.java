package io.coffer.control.backup;

import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Runs backup schedules: every tick it compares each schedule's latest cron occurrence with when
 * that kind last ran, and starts a backup for an occurrence not yet taken (one per kind, however
 * many were missed while the control was down). The command id is derived from the instance, kind
 * and occurrence, so a control that restarts mid-tick starts the same backup at most once.
 * Incrementals build on the instance's newest COMPLETED full or incremental backup and are skipped
 * while there is none.
 */
public final class BackupScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackupScheduler.class);
  private final BackupManager backups;
  private final Clock clock;
  private final Duration tick;
  private Disposable loop;

  public BackupScheduler(BackupManager backups, Clock clock, Duration tick) {
    this.backups = backups;
    this.clock = clock;
    this.tick = tick;
  }

  public void start() {
    loop =
        Flux.interval(tick, tick, Schedulers.boundedElastic())
            .onBackpressureDrop()
            .subscribe(i -> runDue(), e -> log.error("backup scheduler stopped", e));
  }

  /** One pass over every schedule; public for tests. */
  public void runDue() {
    Instant now = clock.instant();
    for (BackupCatalog.ScheduleEntry entry : backups.catalog().schedules()) {
      BackupSchedule s = entry.schedule();
      try {
        due(s.getFullCron(), entry.lastFull(), now)
            .ifPresent(at -> start(s, BackupType.BACKUP_TYPE_FULL, at));
        if (!s.getIncrementalCron().isEmpty()) {
          due(s.getIncrementalCron(), entry.lastIncremental(), now)
              .ifPresent(
                  at -> {
                    if (backups.newestPhysical(s.getInstanceId()).isPresent()) {
                      start(s, BackupType.BACKUP_TYPE_INCREMENTAL, at);
                    } else {
                      backups.catalog().markRun(s.getInstanceId(), false, at);
                      log.info(
                          "schedule of {}: no full backup yet, incremental of {} skipped",
                          s.getInstanceId(),
                          at);
                    }
                  });
        }
      } catch (RuntimeException e) {
        log.warn("schedule of {}: {}", s.getInstanceId(), e.getMessage());
      }
    }
  }

  private static Optional<Instant> due(String cron, Instant lastRun, Instant now) {
    return CronExpression.parse(cron).lastAtOrBefore(now).filter(at -> at.isAfter(lastRun));
  }

  private void start(BackupSchedule s, BackupType type, Instant occurrence) {
    String kind = type == BackupType.BACKUP_TYPE_FULL ? "full" : "incremental";
    String commandId =
        "schedule:" + s.getInstanceId() + ":" + kind + ":" + occurrence.getEpochSecond();
    BackupEntry entry =
        backups.create(s.getInstanceId(), type, "", commandId, BackupEntry.ORIGIN_SCHEDULE).block();
    backups.catalog().markRun(s.getInstanceId(), type == BackupType.BACKUP_TYPE_FULL, occurrence);
    log.info(
        "schedule of {}: {} backup {} started for {}",
        s.getInstanceId(),
        kind,
        entry.backupId(),
        occurrence);
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.dispose();
    }
  }
}
