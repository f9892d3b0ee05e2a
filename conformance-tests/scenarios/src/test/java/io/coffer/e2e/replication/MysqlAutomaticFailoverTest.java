package io.coffer.e2e.replication;

/**
 * Automatic failover of MariaDB with semi-synchronous replication after SIGKILL of the primary
 * (#20).
 */
class MysqlAutomaticFailoverTest extends AutomaticFailoverScenario {
  @Override
  Ledger ledger() {
    return Ledger.MARIADB;
  }
}
