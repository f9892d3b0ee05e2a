package io.coffer.e2e.replication;

/** Switchover of PostgreSQL under a continuous writer (#5). */
class PostgresqlSwitchoverTest extends SwitchoverUnderWriterScenario {
  @Override
  Ledger ledger() {
    return Ledger.POSTGRESQL;
  }
}
