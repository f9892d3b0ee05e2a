package io.coffer.e2e.replication;

/**
 * Automatic failover of PostgreSQL with synchronous replication after SIGKILL of the primary (#20).
 */
class PostgresqlAutomaticFailoverTest extends AutomaticFailoverScenario {
  @Override
  Ledger ledger() {
    return Ledger.POSTGRESQL;
  }
}
