package io.coffer.tck.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.tck.BackupData;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PointInTimeTck;
import io.coffer.tck.RootLogin;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL point-in-time restores from a base backup and the WAL archived through the agent; and
 * PostgreSQL's other recovery targets: a WAL position and a named restore point.
 */
abstract class PostgresqlPointInTimeChecks extends PointInTimeTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }

  @Test
  @Order(20)
  void restoresStopAtANamedRestorePointAndAtAnLsn() throws Exception {
    Assumptions.assumeTrue(secondBackup() != null, "the ordered tests did not run");
    source().write("ledger", "before the restore point");
    Map<String, String> atPoint = source().fingerprint();
    String lsn = sql("SELECT pg_create_restore_point('before-migration')::text");
    source().write("ledger", "after the restore point");
    Map<String, String> atLsnOnly = source().fingerprint();
    String lsnAfter = sql("SELECT pg_current_wal_insert_lsn()::text");
    source().write("ledger", "after the lsn");
    flushSource();
    assertThat(atLsnOnly).isNotEqualTo(atPoint);

    assertThat(
            restoreIntoFresh("pitr-name", secondBackup(), r -> r.setTargetName("before-migration")))
        .isEqualTo(atPoint);
    assertThat(restoreIntoFresh("pitr-lsn", secondBackup(), r -> r.setTargetLsn(lsnAfter)))
        .isEqualTo(atLsnOnly);
    assertThat(lsn).matches("[0-9A-F]+/[0-9A-F]+");
  }

  @Test
  @Order(21)
  void aMalformedLsnOrRestorePointNameIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
    Assumptions.assumeTrue(secondBackup() != null, "the ordered tests did not run");
    for (var target :
        Map.of(
                "target_lsn",
                RestoreBackupRequest.newBuilder().setTargetLsn("0/1'; DROP TABLE x; --"),
                "target_name",
                RestoreBackupRequest.newBuilder().setTargetName("it's"),
                "target_gtid",
                RestoreBackupRequest.newBuilder().setTargetGtid("0-1-42"))
            .entrySet()) {
      StatusRuntimeException e =
          catchThrowableOfType(
              () ->
                  bed.backups()
                      .restoreBackup(
                          target
                              .getValue()
                              .setBackupId(secondBackup().getBackupId())
                              .setInstanceId("pitr-late")
                              .build()),
              StatusRuntimeException.class);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(target.getKey());
    }
    RootLogin late = root("pitr-late");
    try (BackupData target = provider.backupData(port("pitr-late"), late.name(), late.password())) {
      assertThat(target.fingerprint()).isEmpty();
    }
  }

  private String sql(String query) throws Exception {
    RootLogin root = root("pitr-src");
    try (Connection c =
            PostgresqlProvider.connect(port("pitr-src"), root.name(), root.password(), "postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
