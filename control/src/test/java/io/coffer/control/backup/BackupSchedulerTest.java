package io.coffer.control.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.control.broker.Broker;
import io.coffer.control.broker.RequestDigests;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.store.SqliteStateStore;
import io.coffer.proto.v1.BackupManifest;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.Datastore;
import io.coffer.proto.v1.Hello;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler and the catalog against a real state store and broker, with an instance that is
 * known but not connected: commands are journaled and wait, which is all the scheduler needs.
 */
class BackupSchedulerTest {
  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.parse("2026-11-22T02:58:30Z"));
  SqliteStateStore store;
  BackupCatalog catalog;
  BackupManager manager;
  BackupScheduler scheduler;

  @BeforeEach
  void setUp() throws Exception {
    store = SqliteStateStore.open(dir);
    AgentRegistry registry = new AgentRegistry(clock, 3);
    registry.remember(
        "db1",
        Hello.newBuilder()
            .setInstanceId("db1")
            .setDatastore(Datastore.newBuilder().setEngine("mysql"))
            .addCapabilities("create_backup")
            .addCapabilities("restore_backup")
            .build(),
        clock.instant());
    Broker broker = new Broker(store, registry, clock, RequestDigests.open(dir));
    catalog = BackupCatalog.open(dir);
    manager =
        new BackupManager(
            catalog,
            MasterKeyStore.open(dir),
            ArchiveKeyStore.open(dir),
            broker,
            registry,
            clock,
            Duration.ofHours(1));
    scheduler = new BackupScheduler(manager, clock, Duration.ofSeconds(1));
  }

  @AfterEach
  void tearDown() {
    catalog.close();
    store.close();
  }

  @Test
  void takesOneBackupPerOccurrenceOnceAndNotForTheTimeBeforeTheScheduleExisted()
      throws InterruptedException {
    manager
        .schedules()
        .setSchedule(
            BackupSchedule.newBuilder().setInstanceId("db1").setFullCron("0 3 * * *").build())
        .block();
    scheduler.runDue();
    assertThat(catalog.list("db1"))
        .isEmpty(); // 03:00 has not come yet; yesterday's is before the schedule

    clock.set(Instant.parse("2026-11-22T03:00:10Z"));
    scheduler.runDue();
    scheduler.runDue(); // a second tick in the same minute
    List<BackupEntry> backups = catalog.list("db1");
    assertThat(backups).hasSize(1);
    assertThat(backups.get(0).state()).isEqualTo(BackupState.BACKUP_STATE_PENDING);
    assertThat(backups.get(0).origin()).isEqualTo(BackupEntry.ORIGIN_SCHEDULE);
    assertThat(backups.get(0).commandId())
        .isEqualTo("schedule:db1:full:" + Instant.parse("2026-11-22T03:00:00Z").getEpochSecond());
    awaitPending(1); // journaled for the agent (the broker journals on its own thread)

    clock.set(Instant.parse("2026-11-25T09:00:00Z")); // the control was down for three occurrences
    scheduler.runDue();
    assertThat(catalog.list("db1")).hasSize(2); // one catch-up, not three
  }

  @Test
  void incrementalsWaitForAFullBackup() {
    manager
        .schedules()
        .setSchedule(
            BackupSchedule.newBuilder()
                .setInstanceId("db1")
                .setFullCron("0 3 * * *")
                .setIncrementalCron("*/15 * * * *")
                .build())
        .block();
    clock.set(Instant.parse("2026-11-22T03:00:00Z"));
    scheduler.runDue();
    // the full one starts; the incremental of 03:00 has no COMPLETED full to build on yet
    assertThat(catalog.list("db1"))
        .extracting(BackupEntry::type)
        .containsExactly(BackupType.BACKUP_TYPE_FULL);

    BackupEntry full = catalog.list("db1").get(0);
    catalog.update(
        full.completed(
            BackupManifest.newBuilder().setBackupId(full.backupId()).setEngine("mysql").build(),
            clock.instant()));
    clock.set(Instant.parse("2026-11-22T03:15:00Z"));
    scheduler.runDue();
    List<BackupEntry> all = catalog.list("db1");
    assertThat(all)
        .extracting(BackupEntry::type)
        .containsExactlyInAnyOrder(BackupType.BACKUP_TYPE_FULL, BackupType.BACKUP_TYPE_INCREMENTAL);
    assertThat(all)
        .filteredOn(b -> b.type() == BackupType.BACKUP_TYPE_INCREMENTAL)
        .extracting(BackupEntry::parentId)
        .containsExactly(full.backupId());
  }

  @Test
  void createIsIdempotentByCommandIdAndValidatesParents() {
    BackupEntry first =
        manager.create("db1", BackupType.BACKUP_TYPE_FULL, "", "cmd-1", "user").block();
    BackupEntry again =
        manager.create("db1", BackupType.BACKUP_TYPE_FULL, "", "cmd-1", "user").block();
    assertThat(again.backupId()).isEqualTo(first.backupId());

    assertThatThrownBy(
            () ->
                manager
                    .create(
                        "db1",
                        BackupType.BACKUP_TYPE_INCREMENTAL,
                        first.backupId(),
                        "cmd-2",
                        "user")
                    .block())
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("PENDING");
    catalog.update(
        first.completed(
            BackupManifest.newBuilder().setEngine("postgresql").build(), clock.instant()));
    assertThatThrownBy(
            () ->
                manager
                    .create(
                        "db1",
                        BackupType.BACKUP_TYPE_INCREMENTAL,
                        first.backupId(),
                        "cmd-3",
                        "user")
                    .block())
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("parent_id")
        .hasMessageContaining("postgresql");
    assertThatThrownBy(
            () -> manager.create("db9", BackupType.BACKUP_TYPE_FULL, "", "cmd-4", "user").block())
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void cronExpressionsAreValidatedWithAClearMessage() {
    assertThatThrownBy(() -> CronExpression.parse("61 * * * *"))
        .hasMessageContaining("'61 * * * *'");
    assertThatThrownBy(() -> CronExpression.parse("every day")).hasMessageContaining("5 fields");
    assertThat(
            CronExpression.parse("0 3 * * *").lastAtOrBefore(Instant.parse("2026-11-22T03:00:00Z")))
        .contains(Instant.parse("2026-11-22T03:00:00Z"));
    assertThat(
            CronExpression.parse("0 3 * * *").lastAtOrBefore(Instant.parse("2026-11-22T02:59:59Z")))
        .contains(Instant.parse("2026-11-21T03:00:00Z"));
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant i) {
      now = i;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private void awaitPending(int n) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (store.pending("db1").size() < n && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(store.pending("db1")).hasSize(n);
  }
}
