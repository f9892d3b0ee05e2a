package io.coffer.control.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.control.broker.Broker;
import io.coffer.control.broker.RequestDigests;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.store.SqliteStateStore;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.Datastore;
import io.coffer.proto.v1.Hello;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's command id names one backup request: a retry gets the same backup, anything else is
 * refused.
 */
class BackupCommandIdTest {
  @TempDir Path dir;
  SqliteStateStore store;
  BackupCatalog catalog;
  BackupManager manager;

  @BeforeEach
  void setUp() throws Exception {
    store = SqliteStateStore.open(dir);
    AgentRegistry registry = new AgentRegistry(Clock.systemUTC(), 3);
    for (String id : new String[] {"db1", "db2"}) {
      registry.remember(
          id,
          Hello.newBuilder()
              .setInstanceId(id)
              .setDatastore(Datastore.newBuilder().setEngine("mysql"))
              .addCapabilities("create_backup")
              .build(),
          Clock.systemUTC().instant());
    }
    catalog = BackupCatalog.open(dir);
    manager =
        new BackupManager(
            catalog,
            MasterKeyStore.open(dir),
            ArchiveKeyStore.open(dir),
            new Broker(store, registry, Clock.systemUTC(), RequestDigests.open(dir)),
            registry,
            Clock.systemUTC(),
            Duration.ofHours(1));
  }

  @AfterEach
  void tearDown() {
    catalog.close();
    store.close();
  }

  @Test
  void aRetryGetsTheSameBackupAndAnotherTypeOrInstanceIsRefused() {
    String first =
        manager.create("db1", BackupType.BACKUP_TYPE_FULL, "", "c-1", "manual").block().backupId();
    assertThat(
            manager
                .create("db1", BackupType.BACKUP_TYPE_FULL, "", "c-1", "manual")
                .block()
                .backupId())
        .isEqualTo(first);

    StatusRuntimeException logical =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                manager.create("db1", BackupType.BACKUP_TYPE_LOGICAL, "", "c-1", "manual").block());
    assertThat(logical.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(logical.getStatus().getDescription())
        .contains("'c-1'", "different request", "full backup " + first);
    assertThat(
            catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        manager
                            .create("db2", BackupType.BACKUP_TYPE_FULL, "", "c-1", "manual")
                            .block())
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(catalog.list("db1")).hasSize(1);
    assertThat(catalog.list("db2")).isEmpty();
  }
}
