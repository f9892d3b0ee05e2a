package io.coffer.tck.mysql;

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
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * MariaDB point-in-time restores: a mariadb-backup backup plus the binary logs archived through the
 * agent.
 */
abstract class MysqlPointInTimeChecks extends PointInTimeTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }

  @Test
  @Order(20)
  void aRestoreToAGtidHoldsExactlyTheTransactionsUpToIt() throws Exception {
    Assumptions.assumeTrue(secondBackup() != null, "the ordered tests did not run");
    source().write("ledger", "up to the gtid");
    Map<String, String> atGtid = source().fingerprint();
    String gtid = sql("SELECT @@GLOBAL.gtid_binlog_pos");
    source()
        .write(
            "ledger", "right after the gtid"); // the very next transaction: a GTID target is exact
    assertThat(source().fingerprint()).isNotEqualTo(atGtid);
    flushSource();

    assertThat(gtid).matches("\\d+-\\d+-\\d+");
    assertThat(restoreIntoFresh("pitr-gtid", secondBackup(), r -> r.setTargetGtid(gtid)))
        .isEqualTo(atGtid);
  }

  @Test
  @Order(21)
  void badTargetsAreRefusedNamingTheFieldAndTheInstanceStaysEmpty() throws Exception {
    Assumptions.assumeTrue(secondBackup() != null, "the ordered tests did not run");
    String backupEnd = secondBackup().getManifest().getPositionsOrThrow("gtid_set");
    String domainServer = backupEnd.substring(0, backupEnd.lastIndexOf('-') + 1);
    Map<String, RestoreBackupRequest.Builder> targets =
        Map.of(
            "target_lsn", RestoreBackupRequest.newBuilder().setTargetLsn("0/3000060"),
            "target_name", RestoreBackupRequest.newBuilder().setTargetName("before-migration"),
            "target_gtid",
                RestoreBackupRequest.newBuilder().setTargetGtid("0-1-1'; DROP TABLE x; --"));
    for (var target : targets.entrySet()) {
      assertThat(refused(target.getValue())).contains(target.getKey());
    }
    assertThat(refused(RestoreBackupRequest.newBuilder().setTargetGtid("0-1-5,0-2-6")))
        .contains("target_gtid")
        .contains("domain 0 twice");
    assertThat(
            refused(
                RestoreBackupRequest.newBuilder()
                    .setTargetGtid(backupEnd))) // what the backup holds already
        .contains("target_gtid")
        .contains("already in backup " + secondBackup().getBackupId());
    assertThat(
            refused(
                RestoreBackupRequest.newBuilder()
                    .setTargetGtid(domainServer + "999999999"))) // never written
        .contains("target_gtid")
        .contains("not in the archived binary logs");
    RootLogin late = root("pitr-late");
    try (BackupData target = provider.backupData(port("pitr-late"), late.name(), late.password())) {
      assertThat(target.fingerprint()).isEmpty();
    }
  }

  private String refused(RestoreBackupRequest.Builder request) {
    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                bed.backups()
                    .restoreBackup(
                        request
                            .setBackupId(secondBackup().getBackupId())
                            .setInstanceId("pitr-late")
                            .build()),
            StatusRuntimeException.class);
    assertThat(e).as(request.toString()).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return e.getStatus().getDescription();
  }

  private String sql(String query) throws Exception {
    RootLogin root = root("pitr-src");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://127.0.0.1:" + port("pitr-src") + "/",
                root.name(),
                root.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
