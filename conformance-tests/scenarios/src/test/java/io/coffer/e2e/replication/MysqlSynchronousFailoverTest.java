package io.coffer.e2e.replication;

/** Failover of MariaDB after SIGKILL of the source, with synchronous replication (#7). */
class MysqlSynchronousFailoverTest extends SynchronousFailoverScenario {
  @Override
  Ledger ledger() {
    return Ledger.MARIADB;
  }
}
