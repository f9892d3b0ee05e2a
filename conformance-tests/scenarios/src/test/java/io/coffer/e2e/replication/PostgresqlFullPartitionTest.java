package io.coffer.e2e.replication;

/**
 * The primary cut off from the control and its replica: fenced before the promotion, nothing
 * acknowledged lost (PostgreSQL with synchronous replication, #20).
 */
class PostgresqlFullPartitionTest extends FullPartitionScenario {
  @Override
  Ledger ledger() {
    return Ledger.POSTGRESQL;
  }
}
