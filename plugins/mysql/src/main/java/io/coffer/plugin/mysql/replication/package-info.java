/**
 * MariaDB replication for {@link io.coffer.spi.replication.ReplicationStrategy}: asynchronous or
 * semi-synchronous replication by GTID (<a href="https://mariadb.com/kb/en/gtid/">Global
 * Transaction ID</a>, <a
 * href="https://mariadb.com/kb/en/semisynchronous-replication/">semisynchronous replication</a>),
 * entry point {@link io.coffer.plugin.mysql.replication.MariaDbReplication}.
 */
package io.coffer.plugin.mysql.replication;
