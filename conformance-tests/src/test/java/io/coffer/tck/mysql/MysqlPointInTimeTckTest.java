package io.coffer.tck.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PointInTimeTck;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** MariaDB point-in-time restores: a mariadb-backup backup plus the binary logs archived through the agent. */
class MysqlPointInTimeTckTest extends PointInTimeTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }

  @Test
  @Order(20)
  void anLsnOrARestorePointNameIsRefusedNamingTheField() {
    Assumptions.assumeTrue(secondBackup() != null, "the ordered tests did not run");
    for (var target : java.util.Map.of("target_lsn", RestoreBackupRequest.newBuilder().setTargetLsn("0/3000060"),
        "target_name", RestoreBackupRequest.newBuilder().setTargetName("before-migration")).entrySet()) {
      StatusRuntimeException e = catchThrowableOfType(() -> bed.backups().restoreBackup(target.getValue()
          .setBackupId(secondBackup().getBackupId()).setInstanceId("pitr-late").build()), StatusRuntimeException.class);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(target.getKey());
    }
  }
}
