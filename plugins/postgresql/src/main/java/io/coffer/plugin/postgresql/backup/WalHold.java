package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.postgresql.sql.SocketConnector;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Keeps the server from recycling the WAL a running base backup still has to fetch: with {@code
 * --wal-method=fetch}, pg_basebackup collects the WAL at the end of the backup, and a checkpoint
 * during a long backup could otherwise remove segments it needs (the backup would then fail). A
 * temporary physical replication slot that reserves WAL at once does it (<a
 * href="https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-REPLICATION">pg_create_physical_replication_slot</a>,
 * {@code immediately_reserve => true, temporary => true}): its restart LSN is the last checkpoint's
 * redo point, before the backup's start. The slot belongs to this object's own session and
 * disappears when it ends, whether {@link #close()} ends it or the agent dies, so a killed backup
 * can never leave WAL pinned.
 */
final class WalHold implements AutoCloseable {

  private static final int MAX_SLOT_NAME = 63;

  private final Connection session;

  private WalHold(Connection session) {
    this.session = session;
  }

  static WalHold acquire(SocketConnector connector, String backupId) throws IOException {
    Connection c = null;
    try {
      // no idle_session_timeout: the session sits idle while pg_basebackup runs
      c = connector.withoutIdleTimeout().connect(SocketConnector.MAINTENANCE_DATABASE);
      try (PreparedStatement ps =
          c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true, true)")) {
        ps.setString(1, slotName(backupId));
        ps.execute();
      }
      return new WalHold(c);
    } catch (SQLException e) {
      close(c);
      throw new IOException(
          "cannot reserve WAL for the backup (PostgreSQL error "
              + e.getSQLState()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Slot names are lower-case letters, digits and underscores, at most 63 of them. */
  static String slotName(String backupId) {
    String name =
        ("coffer_backup_" + backupId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return name.length() > MAX_SLOT_NAME ? name.substring(0, MAX_SLOT_NAME) : name;
  }

  /** Ends the session, which drops the slot; idempotent, never throws. */
  @Override
  public void close() {
    close(session);
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the session is gone either way, and its temporary slot with it
      }
    }
  }
}
