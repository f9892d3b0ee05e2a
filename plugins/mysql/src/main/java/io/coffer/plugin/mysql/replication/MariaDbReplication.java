package io.coffer.plugin.mysql.replication;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.sql.NativePasswordHash;
import io.coffer.plugin.mysql.sql.ReplicationSnapshot;
import io.coffer.plugin.mysql.sql.ReplicationSnapshot.ReplicaLink;
import io.coffer.plugin.mysql.sql.ServerStatus;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationSource;
import io.coffer.spi.replication.ReplicationStatus;
import io.coffer.spi.replication.ReplicationStrategy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB replication by GTID, administered over the plugin's socket connection as {@code
 * root@localhost}:
 *
 * <ul>
 *   <li><b>source</b>: a dedicated account with only <a
 *       href="https://mariadb.com/kb/en/grant/#replication-slave">REPLICATION SLAVE</a>, which is
 *       all a replica's connection needs (the binary log dump); the binary log is always on ({@link
 *       io.coffer.plugin.mysql.server.ServerCommand}).
 *   <li><b>replica</b>: {@code CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos} ({@link
 *       ChangeMaster}), {@code read_only}, optionally semi-synchronous.
 *   <li><b>switchover</b>: {@code read_only} on the source, then <a
 *       href="https://mariadb.com/kb/en/master_gtid_wait/">MASTER_GTID_WAIT</a> on the replica,
 *       then {@code STOP SLAVE} and <a href="https://mariadb.com/kb/en/reset-replica/">RESET SLAVE
 *       ALL</a>.
 * </ul>
 *
 * <p><b>read_only</b> (<a
 * href="https://mariadb.com/kb/en/server-system-variables/#read_only">read_only</a>): setting it
 * takes the global read lock, so it waits (at most {@link #LOCK_WAIT}) for statements that are
 * writing, and from then on no transaction of an account without it commits; so the position a
 * fence returns is final for those accounts. Accounts with the <a
 * href="https://mariadb.com/kb/en/grant/#read-only-admin">READ ONLY ADMIN</a> privilege still
 * write: {@code root@localhost} (the agent) and a {@code root@'%'} enabled with {@code enableRoot}
 * (ALL PRIVILEGES). MariaDB 10.11 has no {@code super_read_only}. The role's settings survive
 * restarts through {@link RoleFile}.
 *
 * <p><b>Semi-synchronous</b>: every server may serve semi-synchronous replicas (command line; see
 * ServerCommand: commits wait for a replica's acknowledgement only while one is connected); a
 * replica acknowledges when attached with {@code semiSync}. Once the control requires it ({@link
 * #requireSynchronousReplica}), commits wait also while none is connected, at most {@code
 * rpl_semi_sync_master_timeout} (10 s by default) before MariaDB falls back to asynchronous
 * replication: longer than the primary's lease (4 s by default), so that a primary cut off from its
 * replicas is fenced before it acknowledges a commit they lack.
 */
public final class MariaDbReplication implements ReplicationStrategy {
  /** KILL of a session that ended meanwhile. */
  private static final int ER_NO_SUCH_THREAD = 1094;

  private static final Logger log = LoggerFactory.getLogger(MariaDbReplication.class);

  /**
   * How long read_only may wait for running writes before a fence or attach gives up (retryable).
   */
  static final Duration LOCK_WAIT = Duration.ofSeconds(30);

  /** How long a source stopped at once by a fence may take to start again (crash recovery). */
  static final Duration RESTART_AFTER_FENCE = Duration.ofMinutes(10);

  /**
   * One round of a source's fence: how long read_only waits before the sessions are ended again.
   */
  static final Duration FENCE_ROUND = Duration.ofSeconds(1);

  /**
   * How long a promote waits for the replica to apply what it received before it gives up
   * (retryable).
   */
  static final Duration DRAIN = Duration.ofSeconds(60);

  static final Duration MAX_WAIT = Duration.ofDays(1);
  private static final int ER_LOCK_WAIT_TIMEOUT = 1205;

  private final AdminSession admin;
  private final ServerStatus status;
  private final RoleFile roleFile;

  public MariaDbReplication(AdminSession admin, ServerStatus status, RoleFile roleFile) {
    this.admin = admin;
    this.status = status;
    this.roleFile = roleFile;
  }

  /**
   * CREATE USER IF NOT EXISTS, ALTER USER (rotation) and GRANT REPLICATION SLAVE, for {@code
   * user@'%'}. The statements carry only the password's hash ({@link NativePasswordHash}): account
   * statements are written to the binary log as they are and replicated, and a replica's SQL error
   * quotes them. They are replicated on purpose: every replica then has the account, so that it can
   * serve as a source after a promote. On an instance that itself replicates they are kept out of
   * its binary log ({@code sql_log_bin=0}), which must hold only its source's transactions.
   */
  @Override
  public void prepareSource(String user, Secret password) {
    String name = ReplicationAccount.user("user", user);
    ReplicationAccount.password("password", password);
    admin.execute(
        "prepare the replication account '" + name + "'@'%'",
        true,
        c -> {
          if (scalar(c, "SELECT @@GLOBAL.log_bin").equals("0")) {
            throw DatastoreException.failedPrecondition("the binary log is off; replicas need it");
          }
          boolean replicating = ReplicationSnapshot.readLink(c).isPresent();
          String hash = NativePasswordHash.of(password);
          if (replicating) {
            Sql.update(c, "SET SESSION sql_log_bin = 0");
          }
          try {
            Sql.update(c, "CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY PASSWORD ?", name, hash);
            Sql.update(c, "ALTER USER ?@'%' IDENTIFIED BY PASSWORD ?", name, hash);
            Sql.update(c, "GRANT REPLICATION SLAVE ON *.* TO ?@'%'", name);
          } finally {
            if (replicating) {
              Sql.update(c, "SET SESSION sql_log_bin = 1");
            }
          }
          enableSemiSyncSource(c, roleFile.waitsForReplica());
          return null;
        });
  }

  /**
   * Read-only first (no local write may slip in), then {@code STOP SLAVE}, then one of:
   *
   * <ul>
   *   <li>no source configured yet and positions given (a freshly restored instance): {@code SET
   *       GLOBAL gtid_slave_pos} to the backup's GTID position ("" when the backup has none: the
   *       source had not logged any transaction then), and CHANGE MASTER;
   *   <li>no source configured and no positions (a former primary, e.g. the old source after a
   *       switchover): CHANGE MASTER with {@code MASTER_DEMOTE_TO_SLAVE=1};
   *   <li>a source configured (repointing, or a repeated attach): CHANGE MASTER, keeping {@code
   *       gtid_slave_pos}; positions are ignored, so a repeated attach never rewinds.
   * </ul>
   *
   * then semi-sync on or off and {@code START SLAVE}.
   */
  @Override
  public void attach(ReplicationSource source, ServerControl server) {
    SourceEndpoint to = SourceEndpoint.of(source);
    Optional<String> startAt =
        source.positions().isEmpty()
            ? Optional.empty()
            : Optional.of(
                GtidPosition.check(
                    "source.positions." + BackupManifest.POSITION_GTID_SET,
                    source.positions().getOrDefault(BackupManifest.POSITION_GTID_SET, "")));
    roleFile.replica(source.semiSync());
    admin.execute(
        "attach to the source " + to,
        false,
        c -> { // ChangeMaster hides its own errors' text
          readOnly(c);
          // a former source that waited for its replicas: its applier's commits must not wait
          Sql.update(c, "SET GLOBAL rpl_semi_sync_master_wait_no_slave = OFF");
          Optional<ReplicaLink> current = ReplicationSnapshot.readLink(c);
          Sql.update(c, "STOP SLAVE");
          if (current.isEmpty() && startAt.isPresent()) {
            Sql.update(c, "SET GLOBAL gtid_slave_pos = ?", startAt.get());
            ChangeMaster.to(c, to, false);
          } else {
            ChangeMaster.to(c, to, current.isEmpty());
          }
          Sql.update(
              c, "SET GLOBAL rpl_semi_sync_slave_enabled = " + (source.semiSync() ? "ON" : "OFF"));
          Sql.update(c, "START SLAVE");
          return null;
        });
  }

  @Override
  public ReplicationStatus status() {
    return status.replication();
  }

  /**
   * read_only, then every client session ended, then {@code @@gtid_binlog_pos}: the last
   * transaction committed to the binary log. {@code read_only} refuses writes to every account
   * without READ ONLY ADMIN (all the accounts the plugin creates for clients); ending the sessions
   * rolls back the transactions they had open, so nothing written before the fence commits after
   * it, and sends clients to reconnect (to the new primary). Kept: the agent's own socket session,
   * the server's threads, and the replicas' binlog dumps (they stream what was committed to the
   * replicas). A superuser with READ ONLY ADMIN (the root that enable-root creates) can still write
   * on a fenced MariaDB 10.11 after it reconnects (<a
   * href="https://mariadb.com/kb/en/server-system-variables/#read_only">read_only</a>).
   *
   * <p>A source cut off from its semi-synchronous replicas (a commit waits for an acknowledgement,
   * or the source waits for replicas and none is connected) is stopped at once instead ({@link
   * ServerControl#stopNow}) and started again read-only: a session ended while its commit waits for
   * the acknowledgement may still receive OK for it, and the commit is on no replica. Those commits
   * stay in its binary log, acknowledged to nobody; a rejoin finds them.
   */
  @Override
  public String fence(ServerControl server) { // SET GLOBAL read_only needs no restart
    boolean replicating =
        admin.execute(
            "read the replication state", false, c -> ReplicationSnapshot.readLink(c).isPresent());
    if (replicating) {
      return admin.execute(
          "fence the replica",
          false,
          c -> {
            readOnly(c);
            return scalar(c, "SELECT @@GLOBAL.gtid_binlog_pos");
          });
    }
    roleFile.fenced(); // any start from now on is read-only
    int waiting = admin.execute("fence the source", false, MariaDbReplication::fenceSource);
    if (waiting >= 0) {
      log.warn(
          "fence: the source is cut off from its semi-synchronous replicas ({} commit(s) waiting for an"
              + " acknowledgement): stopping MariaDB at once and starting it read-only, so that none is acknowledged",
          waiting);
      server.stopNow();
      server.start(RESTART_AFTER_FENCE);
    }
    return admin.execute(
        "read the fenced position", false, c -> scalar(c, "SELECT @@GLOBAL.gtid_binlog_pos"));
  }

  /**
   * Makes the server read-only, then ends the client sessions, in rounds: {@code read_only} waits
   * for the commits in progress (they complete, and their clients see them acknowledged), at most
   * {@link #FENCE_ROUND}; when that is not enough (a stuck or endless writer), the client sessions
   * are ended and the next round tries again, at most {@link #LOCK_WAIT} in all. Once read-only,
   * sessions still open are ended (they may hold a transaction begun before). Every round first
   * checks that the source is not cut off from its semi-synchronous replicas, which this fence
   * cannot handle.
   *
   * @return -1 when fenced; else how many commits wait for a replica's acknowledgement (the source
   *     is cut off: the caller stops the server at once)
   */
  private static int fenceSource(Connection c) throws SQLException {
    long end = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      int waiting = cutOffFromReplicas(c);
      if (waiting >= 0) {
        return waiting;
      }
      if (scalar(c, "SELECT @@GLOBAL.read_only").equals("1")) {
        endClientSessions(c);
        return -1;
      }
      Sql.update(c, "SET SESSION lock_wait_timeout = " + FENCE_ROUND.toSeconds());
      try {
        Sql.update(c, "SET GLOBAL read_only = ON");
        continue; // the next round ends the sessions
      } catch (SQLException e) {
        if (e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT) {
          throw e;
        }
        if (System.nanoTime() > end) {
          throw DatastoreException.unavailable(
              "cannot make the server read-only: writes still running after "
                  + LOCK_WAIT.toSeconds()
                  + " s; retry",
              null);
        }
      } finally {
        Sql.update(c, "SET SESSION lock_wait_timeout = DEFAULT");
      }
      log.debug(
          "fence: read_only waited {} s for running writes; ended {} client session(s)",
          FENCE_ROUND.toSeconds(),
          endClientSessions(c));
    }
  }

  /**
   * How many commits wait for a semi-synchronous acknowledgement, when the source is cut off from
   * its replicas: some commit waits, or the source waits for replicas ({@code
   * rpl_semi_sync_master_wait_no_slave}) with semi-sync on and none connected (the next commit
   * would wait). -1 when it is not cut off.
   */
  private static int cutOffFromReplicas(Connection c) throws SQLException {
    int waiting =
        Integer.parseInt(
            scalar(
                c,
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    + " WHERE STATE = 'Waiting for semi-sync ACK from slave'"));
    if (waiting > 0) {
      return waiting;
    }
    boolean waitsForReplicas =
        scalar(c, "SELECT @@GLOBAL.rpl_semi_sync_master_wait_no_slave").equals("1")
            && scalar(c, "SELECT @@GLOBAL.rpl_semi_sync_master_enabled").equals("1");
    boolean noneConnected =
        scalar(
                c,
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                    + " WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_CLIENTS'")
            .equals("0");
    return waitsForReplicas && noneConnected ? 0 : -1;
  }

  /**
   * KILL CONNECTION for every client session but the agent's own, the server's threads and binlog
   * dumps.
   */
  private static int endClientSessions(Connection c) throws SQLException {
    List<String> ids =
        Sql.query(
            c,
            "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
                + " AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')"
                + " AND NOT (USER = 'root' AND HOST = 'localhost')"
                + " AND COMMAND NOT IN ('Binlog Dump', 'Binlog Dump GTID', 'Daemon', 'Slave_IO', 'Slave_SQL', 'Slave_worker')",
            rs -> rs.getString(1));
    for (String id : ids) {
      try {
        Sql.update(c, "KILL CONNECTION " + Long.parseLong(id));
      } catch (SQLException e) {
        if (e.getErrorCode() != ER_NO_SUCH_THREAD) {
          throw e;
        }
      }
    }
    return ids.size();
  }

  /**
   * {@code MASTER_GTID_WAIT}: 0 when {@code gtid_slave_pos} reached the position, -1 on timeout.
   */
  @Override
  public void awaitPosition(String position, Duration timeout) {
    String target = GtidPosition.check("position", position);
    if (timeout == null
        || timeout.isNegative()
        || timeout.isZero()
        || timeout.compareTo(MAX_WAIT) > 0) {
      throw DatastoreException.invalidArgument(
          "timeout", "must be positive and at most " + MAX_WAIT.toHours() + " h");
    }
    String outcome =
        admin.execute(
            "wait for the GTID position " + target,
            false,
            c -> {
              if (waitFor(c, target, timeout)) {
                return "";
              }
              ReplicationSnapshot now = ReplicationSnapshot.read(c);
              String why =
                  now.replica().isEmpty()
                      ? "; this instance does not replicate"
                      : now.problem().isEmpty() ? "" : "; " + now.problem();
              return "position "
                  + target
                  + " not applied within "
                  + timeout.toMillis()
                  + " ms (applied: '"
                  + now.appliedPosition()
                  + "')"
                  + why;
            });
    if (!outcome.isEmpty()) {
      throw DatastoreException.unavailable(outcome, null);
    }
  }

  /**
   * Stops receiving, waits (at most {@link #DRAIN}) until everything received is applied, so that
   * no transaction the source acknowledged to a client (semi-sync) is lost with the relay log, then
   * STOP SLAVE, RESET SLAVE ALL, semi-sync replica off and read_only off. Refused with
   * FAILED_PRECONDITION when the applier stopped on an error with received transactions still
   * unapplied (repair the replica, or re-seed it).
   */
  @Override
  public void promote() {
    admin.execute(
        "promote",
        false,
        c -> {
          Optional<ReplicaLink> link = ReplicationSnapshot.readLink(c);
          if (link.isPresent()) {
            requireApplierOrNothingPending(c, link.get()); // before anything changes
            Sql.update(c, "STOP SLAVE IO_THREAD");
            drainRelayLog(c);
            Sql.update(c, "STOP SLAVE");
            Sql.update(c, "RESET SLAVE ALL");
          }
          // a fenced source lifted keeps waiting for its replica; a promoted replica waits once the
          // control requires it (requireSynchronousReplica), after its replicas follow it
          boolean waitForReplica = link.isEmpty() && roleFile.waitsForReplica();
          roleFile.primary(waitForReplica);
          Sql.update(c, "SET GLOBAL rpl_semi_sync_slave_enabled = OFF");
          enableSemiSyncSource(c, waitForReplica);
          Sql.update(c, "SET GLOBAL read_only = OFF");
          return null;
        });
  }

  /**
   * From now on every commit waits for a semi-synchronous replica's acknowledgement, also while
   * none is connected ({@code rpl_semi_sync_master_wait_no_slave = ON}), up to {@code
   * rpl_semi_sync_master_timeout} (10 s by default; then MariaDB falls back to asynchronous
   * replication until a replica catches up). Without it, a source cut off from its replicas drops
   * to asynchronous replication at once and acknowledges commits that no replica has, until its
   * lease runs out and it is fenced: a failover would lose them. Kept across restarts (RoleFile).
   * See <a
   * href="https://mariadb.com/kb/en/semisynchronous-replication/#rpl_semi_sync_master_wait_no_slave">rpl_semi_sync_master_wait_no_slave</a>.
   */
  @Override
  public void requireSynchronousReplica() {
    admin.execute(
        "wait for a semi-synchronous replica",
        false,
        c -> {
          if (ReplicationSnapshot.readLink(c).isPresent()) {
            throw DatastoreException.failedPrecondition(
                "this instance is a replica: only a source waits for its replicas");
          }
          roleFile.source(scalar(c, "SELECT @@GLOBAL.read_only").equals("1"), true);
          enableSemiSyncSource(c, true);
          return null;
        });
  }

  /**
   * After each server start: a semi-synchronous replica's receiver thread starts before the {@link
   * RoleFile} has switched {@code rpl_semi_sync_slave_enabled} on, and so connects asynchronously;
   * restart it so that it acknowledges again. Best effort: logs and carries on.
   */
  public void afterStart() {
    try {
      admin.execute(
          "resume semi-synchronous replication",
          false,
          c -> {
            Optional<ReplicaLink> link = ReplicationSnapshot.readLink(c);
            if (link.isPresent()
                && !"No".equalsIgnoreCase(link.get().ioState())
                && scalar(c, "SELECT @@GLOBAL.rpl_semi_sync_slave_enabled").equals("1")
                && scalar(
                        c,
                        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                            + " WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_SLAVE_STATUS'")
                    .equalsIgnoreCase("OFF")) {
              Sql.update(c, "STOP SLAVE IO_THREAD");
              Sql.update(c, "START SLAVE IO_THREAD");
            }
            return null;
          });
    } catch (RuntimeException e) {
      log.warn("Could not resume semi-synchronous replication after the start: {}", e.getMessage());
    }
  }

  /** Waits until the applier has applied everything the (stopped) receiver received. */
  private static void drainRelayLog(Connection c) throws SQLException {
    ReplicaLink stopped = ReplicationSnapshot.readLink(c).orElseThrow();
    String received = stopped.receivedPosition();
    if (received.isEmpty() || waitFor(c, received, Duration.ZERO)) {
      return;
    }
    requireApplierOrNothingPending(c, stopped);
    if (!waitFor(c, received, DRAIN)) {
      throw DatastoreException.unavailable(
          "cannot promote yet: still applying received transactions up to "
              + received
              + " after "
              + DRAIN.toSeconds()
              + " s; retry",
          null);
    }
  }

  /** FAILED_PRECONDITION when the applier stopped with received transactions not applied. */
  private static void requireApplierOrNothingPending(Connection c, ReplicaLink link)
      throws SQLException {
    if (!link.applying()
        && !link.receivedPosition().isEmpty()
        && !waitFor(c, link.receivedPosition(), Duration.ZERO)) {
      throw DatastoreException.failedPrecondition(
          "cannot promote: transactions up to "
              + link.receivedPosition()
              + " were received but not applied, because replication stopped"
              + (link.sqlError().isEmpty() ? "" : " on an error: " + link.sqlError()));
    }
  }

  /** MASTER_GTID_WAIT; true when reached. A zero timeout only checks. */
  private static boolean waitFor(Connection c, String position, Duration timeout)
      throws SQLException {
    String seconds = String.format(Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0);
    return scalar(c, "SELECT MASTER_GTID_WAIT(?, ?)", position, seconds).equals("0");
  }

  /**
   * SET GLOBAL read_only = ON, waiting at most {@link #LOCK_WAIT} for running writes; nothing when
   * it is on already (the wait happened when it was switched on).
   */
  private static void readOnly(Connection c) throws SQLException {
    if (scalar(c, "SELECT @@GLOBAL.read_only").equals("1")) {
      return;
    }
    Sql.update(c, "SET SESSION lock_wait_timeout = " + LOCK_WAIT.toSeconds());
    try {
      Sql.update(c, "SET GLOBAL read_only = ON");
    } catch (SQLException e) {
      if (e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT) {
        throw DatastoreException.unavailable(
            "cannot make the server read-only: writes still running after "
                + LOCK_WAIT.toSeconds()
                + " s; retry",
            null);
      }
      throw e;
    } finally {
      Sql.update(c, "SET SESSION lock_wait_timeout = DEFAULT");
    }
  }

  /**
   * Serve semi-synchronous replicas (also for a server started before these settings were on its
   * command line, ServerCommand), waiting for one while none is connected only when required.
   */
  private static void enableSemiSyncSource(Connection c, boolean waitForReplica)
      throws SQLException {
    Sql.update(
        c, "SET GLOBAL rpl_semi_sync_master_wait_no_slave = " + (waitForReplica ? "ON" : "OFF"));
    Sql.update(c, "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC");
    Sql.update(c, "SET GLOBAL rpl_semi_sync_master_enabled = ON");
  }

  private static String scalar(Connection c, String sql, String... params) throws SQLException {
    List<String> rows = Sql.query(c, sql, rs -> rs.getString(1), params);
    return rows.isEmpty() || rows.get(0) == null ? "" : rows.get(0);
  }
}
