package io.coffer.control.backup;

import io.coffer.control.registry.AgentRegistry;
import io.coffer.proto.v1.BackupSchedule;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Backup schedules (kept in the catalog, run by {@link BackupScheduler}) and their retention
 * policies: whenever a schedule is set or a backup of its instance completes, the backups the
 * policy lets go are deleted, in the background.
 */
public final class BackupSchedules {
  private static final Logger log = LoggerFactory.getLogger(BackupSchedules.class);

  private final BackupCatalog catalog;
  private final AgentRegistry registry;
  private final BackupDeletion deletion;
  private final Clock clock;
  private final Duration jobTimeout;
  private final Scheduler blocking;

  BackupSchedules(
      BackupCatalog catalog,
      AgentRegistry registry,
      BackupDeletion deletion,
      Clock clock,
      Duration jobTimeout,
      Scheduler blocking) {
    this.catalog = catalog;
    this.registry = registry;
    this.deletion = deletion;
    this.clock = clock;
    this.jobTimeout = jobTimeout;
    this.blocking = blocking;
  }

  /** Sets an instance's schedule (replacing its former one) and applies its retention at once. */
  public Mono<BackupSchedule> setSchedule(BackupSchedule schedule) {
    return Mono.fromCallable(
            () -> {
              registry.require(schedule.getInstanceId());
              catalog.putSchedule(schedule, clock.instant());
              applyRetention(schedule.getInstanceId());
              return schedule;
            })
        .subscribeOn(blocking);
  }

  /** The instance's schedule, if it has one. */
  public Mono<Optional<BackupSchedule>> schedule(String instanceId) {
    return Mono.fromCallable(
            () -> catalog.schedule(instanceId).map(BackupCatalog.ScheduleEntry::schedule))
        .subscribeOn(blocking);
  }

  /** Removes the instance's schedule; false when it had none. */
  public Mono<Boolean> deleteSchedule(String instanceId) {
    return Mono.fromCallable(() -> catalog.deleteSchedule(instanceId)).subscribeOn(blocking);
  }

  /** Deletes what the instance's retention policy lets go; runs in the background. */
  void applyRetention(String instanceId) {
    Optional<BackupCatalog.ScheduleEntry> schedule = catalog.schedule(instanceId);
    if (schedule.isEmpty()) {
      return;
    }
    BackupSchedule s = schedule.get().schedule();
    List<BackupEntry> expired =
        new Retention(s.getKeepCount(), s.getKeepDays())
            .expired(catalog.list(instanceId), clock.instant());
    Flux.fromIterable(expired)
        .concatMap(b -> deletion.deleteOne(b, jobTimeout).thenReturn(b.backupId()))
        .subscribe(
            id -> log.info("retention of {}: deleted backup {}", instanceId, id),
            e -> log.warn("retention of {}: {}", instanceId, e.getMessage()));
  }
}
