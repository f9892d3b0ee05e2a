package io.coffer.plugin.postgresql.replication;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.literal;
import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.quote;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.server.AccessFiles;
import io.coffer.plugin.postgresql.server.ServerSettings;
import io.coffer.plugin.postgresql.server.StandbySignal;
import io.coffer.plugin.postgresql.sql.Passwords;
import io.coffer.plugin.postgresql.sql.ServerStatus;
import io.coffer.plugin.postgresql.sql.SqlErrors;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationSource;
import io.coffer.spi.replication.ReplicationStatus;
import io.coffer.spi.replication.ReplicationStrategy;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL streaming replication, step by step (see {@link ReplicationStrategy}):
 *
 * <ul>
 *   <li><b>prepare source</b>: the role {@code coffer_repl} with LOGIN REPLICATION and nothing more
 *       (not a superuser), its password sent only as a SCRAM verifier; {@code pg_hba.conf} admits
 *       it, and only it, to replication connections over TCP.
 *   <li><b>attach</b>: only a standby can follow a source: a backup restored as a replica, a fenced
 *       primary, or a replica being repointed. The standby creates its own physical replication
 *       slot on the source ({@code coffer_<instance>}, so the source keeps the WAL it still needs),
 *       then sets {@code primary_conninfo} and {@code primary_slot_name} with ALTER SYSTEM and
 *       reloads; since PostgreSQL 13 the WAL receiver picks both up without a restart. The timeline
 *       it follows is the latest ({@code recovery_target_timeline} defaults to {@code latest}), so
 *       a standby also follows a promoted one of its peers.
 *   <li><b>fence</b>: the client sessions are ended, {@link StandbySignal} is written and the
 *       server restarted: a clean shutdown first streams everything, the shutdown checkpoint
 *       included, to the connected standbys (<a
 *       href="https://www.postgresql.org/docs/15/server-shutdown.html">Shutting Down the
 *       Server</a>); then it runs as a standby with no source, read-only for every role, across
 *       restarts. The fence position is the end of that checkpoint, as replayed.
 *   <li><b>await</b>: until {@code pg_last_wal_replay_lsn()} reaches the position.
 *   <li><b>promote</b>: {@code pg_promote(wait => true)} (a new timeline begins), then the standby
 *       settings are reset.
 * </ul>
 *
 * A primary, or a fenced one (a standby with no source: a deposed primary that came back), is
 * rewound to the source's timeline first ({@link Rewind}), then attached like any standby.
 * Synchronous replication: {@link #requireSynchronousReplica}; standbys need nothing more (each
 * connects with its slot's name as {@code application_name}).
 */
public final class PostgresqlReplication implements ReplicationStrategy {
  private static final Logger log = LoggerFactory.getLogger(PostgresqlReplication.class);
  private static final Duration RESTART = Duration.ofMinutes(5);
  private static final int PROMOTE_WAIT_SECONDS = 60;

  private final ServerSettings settings;
  private final AdminSession admin;
  private final ServerStatus status;
  private final String slot;

  public PostgresqlReplication(
      ServerSettings settings, AdminSession admin, ServerStatus status, String instanceId) {
    this.settings = settings;
    this.admin = admin;
    this.status = status;
    this.slot = SlotName.of(instanceId);
  }

  @Override
  public void prepareSource(String user, Secret password) {
    SourceConnection.checkUser("user", user);
    SourceConnection.checkPassword("password", password);
    String role = quote(SourceConnection.USER);
    String attributes =
        " LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
            + Passwords.clause(password);
    admin.execute(
        "prepare the replication role",
        true,
        c -> {
          if (inRecovery(c)) {
            throw DatastoreException.failedPrecondition(
                "this instance is a standby; only a primary can be a replication source");
          }
          boolean exists =
              Sql.exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", SourceConnection.USER);
          Sql.ddl(
              c,
              (exists ? "ALTER ROLE " : "CREATE ROLE ")
                  + role
                  + (exists ? " WITH" : "")
                  + attributes);
          for (String function :
              Rewind.GRANTS) { // for pg_rewind, when a failed primary rejoins this one
            Sql.ddl(c, "GRANT EXECUTE ON FUNCTION " + function + " TO " + role);
          }
          Sql.ddl(c, "GRANT pg_checkpoint TO " + role); // see Rewind.checkpointSource
          return null;
        });
    try {
      AccessFiles.render(
          settings); // a server started by an older agent may lack the replication line
    } catch (IOException e) {
      throw DatastoreException.internal("cannot render pg_hba.conf: " + e.getMessage(), e);
    }
    admin.execute("reload the configuration", false, c -> Sql.exists(c, "SELECT pg_reload_conf()"));
  }

  /**
   * {@code synchronous_standby_names = '*'}: a commit waits until the first connected standby has
   * flushed it ({@code synchronous_commit = on}; <a
   * href="https://www.postgresql.org/docs/15/warm-standby.html#SYNCHRONOUS-REPLICATION">Synchronous
   * Replication</a>). With no standby connected, commits wait with no timeout: that is what makes
   * an acknowledged commit survive a failover.
   */
  @Override
  public void requireSynchronousReplica() {
    admin.execute(
        "require a synchronous standby",
        false,
        c -> {
          if (inRecovery(c)) {
            throw DatastoreException.failedPrecondition(
                "this instance is a standby; only a primary waits for standbys");
          }
          Sql.ddl(c, "ALTER SYSTEM SET synchronous_standby_names = '*'");
          return Sql.exists(c, "SELECT pg_reload_conf()");
        });
  }

  @Override
  public void attach(ReplicationSource source, ServerControl server) {
    SourceConnection to = SourceConnection.of(source);
    createSlotOn(to); // first: the slot keeps the WAL a rewound server will stream
    // a primary, or a fenced one (a standby with no source): its history may have forked from the
    // source's (a failed primary that restarted wrote an end-of-recovery checkpoint), so it is
    // rewound; pg_rewind changes nothing when the histories did not fork
    if (admin.execute("check the role", false, c -> !inRecovery(c) || !hasSource(c))) {
      endClientSessions(); // a smart shutdown waits for every session, idle ones included
      admin.close();
      Rewind.toStandbyOf(settings, to, slot, server);
    }
    String conninfo = to.conninfo(slot);
    admin.execute(
        "attach to " + to.host() + ":" + to.port(),
        true,
        c -> {
          Sql.ddl(c, "ALTER SYSTEM SET primary_conninfo = " + literal(conninfo));
          Sql.ddl(c, "ALTER SYSTEM SET primary_slot_name = " + literal(slot));
          return Sql.exists(c, "SELECT pg_reload_conf()");
        });
    log.info("attached to {}:{} with replication slot {}", to.host(), to.port(), slot);
    try {
      dropStaleSlots();
    } catch (DatastoreException e) {
      log.warn("attached, but stale replication slots remain: {}", e.getMessage());
    }
  }

  /**
   * A standby keeps the slots it served as a primary (an old primary after a switchover, or one
   * rejoining): nobody streams from them any more, yet each one holds back WAL recycling until the
   * disk fills. Coffer does not cascade, so every inactive Coffer slot on a standby is stale; an
   * active one (a standby still streaming) is left alone.
   */
  private void dropStaleSlots() {
    List<String> dropped =
        admin.execute(
            "drop stale replication slots",
            false,
            c -> {
              List<String> stale =
                  Sql.query(
                      c,
                      "SELECT slot_name FROM pg_replication_slots"
                          + " WHERE slot_type = 'physical' AND NOT active AND slot_name LIKE ?",
                      rs -> rs.getString(1),
                      SlotName.likePattern());
              for (String name : stale) {
                try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                  ps.setString(1, name);
                  ps.executeQuery().close();
                }
              }
              return stale;
            });
    if (!dropped.isEmpty()) {
      log.info("dropped stale replication slots {}", dropped);
    }
  }

  /** Makes this standby's slot exist on the source (idempotent), reserving WAL from now on. */
  private void createSlotOn(SourceConnection source) {
    try (Connection c = source.connect()) {
      if (!Sql.exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)) {
        try (PreparedStatement ps =
            c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
          ps.setString(1, slot);
          ps.executeQuery().close();
        }
      }
    } catch (SQLException e) {
      if (SqlErrors.isConnectionFailure(e)) {
        throw DatastoreException.unavailable(
            "cannot reach the source "
                + source.host()
                + ":"
                + source.port()
                + ": "
                + SqlErrors.serverMessage(e),
            e);
      }
      if (SqlErrors.DUPLICATE_OBJECT.equals(e.getSQLState())) {
        return; // created meanwhile: the same slot
      }
      throw DatastoreException.internal(
          "cannot create replication slot "
              + slot
              + " on the source: "
              + SqlErrors.serverMessage(e),
          e);
    }
  }

  @Override
  public ReplicationStatus status() {
    return status.replication();
  }

  @Override
  public String fence(ServerControl server) {
    boolean standby = admin.execute("check the role", false, PostgresqlReplication::inRecovery);
    if (!standby) {
      endClientSessions();
      try {
        StandbySignal.create(
            settings); // from here on every start is a standby's, even after a crash
      } catch (IOException e) {
        throw DatastoreException.internal(
            "cannot write " + StandbySignal.FILE + ": " + e.getMessage(), e);
      }
      log.info("fencing: restarting PostgreSQL as a standby with no source");
      admin.close(); // an idle admin session would hold up the smart shutdown
      server.stop();
      server.start(RESTART);
    }
    return admin.execute(
        "read the fence position",
        false,
        c -> {
          String lsn =
              Sql.query(c, "SELECT pg_last_wal_replay_lsn()::text", rs -> rs.getString(1)).get(0);
          if (lsn == null) {
            throw DatastoreException.internal(
                "the fenced server reports no replayed WAL position", null);
          }
          return lsn;
        });
  }

  private void endClientSessions() {
    admin.execute(
        "end client sessions",
        false,
        c ->
            Sql.exists(
                c,
                "SELECT pg_terminate_backend(pid)"
                    + " FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"));
  }

  @Override
  public void awaitPosition(String position, Duration timeout) {
    String lsn = Lsn.check("position", position);
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw DatastoreException.invalidArgument("timeout", "must be positive");
    }
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean reached =
          admin.execute(
              "compare WAL positions",
              false,
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT coalesce((CASE WHEN pg_is_in_recovery()"
                            + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END) >= ?::pg_lsn, false)")) {
                  ps.setString(1, lsn);
                  try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                  }
                }
              });
      if (reached) {
        return;
      }
      if (System.nanoTime() > end) {
        throw DatastoreException.unavailable(
            "this replica has not replayed WAL up to "
                + lsn
                + " within "
                + timeout.toSeconds()
                + " s (it stands at "
                + status().position()
                + ")",
            null);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DatastoreException.internal("interrupted while waiting for WAL position " + lsn, e);
      }
    }
  }

  @Override
  public void promote() {
    admin.execute(
        "promote",
        false,
        c -> {
          if (inRecovery(c)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_promote(true, ?)")) {
              ps.setInt(1, PROMOTE_WAIT_SECONDS);
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                  throw DatastoreException.internal(
                      "PostgreSQL did not finish promoting within " + PROMOTE_WAIT_SECONDS + " s",
                      null);
                }
              }
            }
            log.info("promoted: this instance is a primary now");
            // it has no standby yet: waiting for one would hold every commit until one is attached
            Sql.ddl(c, "ALTER SYSTEM RESET synchronous_standby_names");
          }
          // a promoted server ignores them, but a later fence must not find the old source there
          Sql.ddl(c, "ALTER SYSTEM RESET primary_conninfo");
          Sql.ddl(c, "ALTER SYSTEM RESET primary_slot_name");
          return Sql.exists(c, "SELECT pg_reload_conf()");
        });
  }

  /** A standby that streams from a source (not a fenced primary, which has none). */
  private static boolean hasSource(Connection c) throws SQLException {
    List<String> conninfo =
        Sql.query(c, "SELECT current_setting('primary_conninfo')", rs -> rs.getString(1));
    return !conninfo.isEmpty() && conninfo.get(0) != null && !conninfo.get(0).isBlank();
  }

  private static boolean inRecovery(Connection c) throws SQLException {
    return Sql.exists(c, "SELECT 1 WHERE pg_is_in_recovery()");
  }
}
