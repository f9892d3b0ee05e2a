package io.coffer.e2e.replication;

/** Failover of PostgreSQL after SIGKILL of the source, with synchronous replication (#5). */
class PostgresqlSynchronousFailoverTest extends SynchronousFailoverScenario {
  @Override
  Ledger ledger() {
    return Ledger.POSTGRESQL;
  }
}
