package io.coffer.plugin.mysql.replication;

import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.sql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * <a href="https://mariadb.com/kb/en/change-master-to/">CHANGE MASTER TO</a> for a GTID replica.
 *
 * <p>Host, user and password are bound parameters. The server cannot prepare CHANGE MASTER, but the
 * plugin's connections prepare on the client ({@code useServerPrepStmts=false}, see {@link
 * io.coffer.plugin.mysql.sql.SocketConnector}): Connector/J substitutes each value as a string
 * literal escaped for the session's current {@code NO_BACKSLASH_ESCAPES} state, which it tracks
 * from the server's status flags (checked: a password with quotes and backslashes reaches {@code
 * master.info} unchanged in both modes). Should server-side preparation ever be switched on, the
 * statement fails instead of running with unescaped values. The port and the retry interval are
 * validated integers. Host and user are validated too ({@link SourceEndpoint}), so quoting is
 * defence in depth.
 *
 * <p>{@code MASTER_USE_GTID=slave_pos}: the replica asks the source for everything after {@code
 * gtid_slave_pos}, so a repointed replica continues where it stands and relay logs are never
 * trusted after a restart (<a href="https://mariadb.com/kb/en/gtid/#master_use_gtid">GTID</a>).
 * {@code MASTER_DEMOTE_TO_SLAVE=1} (MariaDB 10.10+) first merges {@code gtid_binlog_pos} into
 * {@code gtid_slave_pos}: what a former primary committed itself counts as applied, so it continues
 * after its own last transaction instead of from a stale replica position; it replaces the
 * deprecated {@code MASTER_USE_GTID=current_pos} (<a
 * href="https://mariadb.com/kb/en/change-master-to/#master_demote_to_slave">MASTER_DEMOTE_TO_SLAVE</a>).
 */
final class ChangeMaster {

  /**
   * Seconds between the replica's attempts to (re)connect to its source (MariaDB's default: 60).
   */
  static final int CONNECT_RETRY_SECONDS = 5;

  /**
   * The source sends the replica a heartbeat after this many idle seconds, so that an idle link
   * stays within the replica's slave_net_timeout and a dead one is noticed soon after (<a
   * href="https://mariadb.com/kb/en/change-master-to/#master_heartbeat_period">MASTER_HEARTBEAT_PERIOD</a>).
   */
  static final int HEARTBEAT_SECONDS = 1;

  private ChangeMaster() {}

  /**
   * Both replication threads must be stopped. An error leaves the server's message out (some quote
   * the statement's values, e.g. error 1470 quotes a too long password).
   */
  static void to(Connection c, SourceEndpoint source, boolean demote) {
    try {
      Sql.update(
          c,
          "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = "
              + SourceEndpoint.port("source.port", source.port())
              + ", MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = "
              + CONNECT_RETRY_SECONDS
              + ", MASTER_HEARTBEAT_PERIOD = "
              + HEARTBEAT_SECONDS
              + (demote ? ", MASTER_DEMOTE_TO_SLAVE = 1" : ""),
          source.host(),
          source.user(),
          source.password().reveal());
    } catch (SQLException e) {
      throw SqlErrors.translate("set the replication source (CHANGE MASTER TO)", e, true);
    }
  }
}
