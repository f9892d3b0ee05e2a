package io.coffer.e2e.replication;

/**
 * The primary cut off from the control and its replica: fenced before the promotion, nothing
 * acknowledged lost (MariaDB with semi-synchronous replication, #20).
 */
class MysqlFullPartitionTest extends FullPartitionScenario {
  @Override
  Ledger ledger() {
    return Ledger.MARIADB;
  }
}
