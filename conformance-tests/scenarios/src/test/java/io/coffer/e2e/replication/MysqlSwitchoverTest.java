package io.coffer.e2e.replication;

/** Switchover of MariaDB under a continuous writer (#7). */
class MysqlSwitchoverTest extends SwitchoverUnderWriterScenario {
  @Override
  Ledger ledger() {
    return Ledger.MARIADB;
  }
}
