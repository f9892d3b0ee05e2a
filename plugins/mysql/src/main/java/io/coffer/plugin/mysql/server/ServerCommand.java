package io.coffer.plugin.mysql.server;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mariadbd command line the runtime supervises. The only option file read is the instance's own
 * ({@code --defaults-file}, {@link #PARAMETER_FILE}, the parameters set through Coffer), so no
 * my.cnf on the host can interfere; everything the agent relies on is on the command line, which
 * overrides the file (<a href="https://mariadb.com/kb/en/mariadbd-options/">mariadbd options</a>).
 * mariadbd shuts down cleanly on SIGTERM.
 */
public final class ServerCommand {

  static final int MAX_CONNECTIONS = 100;

  /** Binary log base name, relative to the data directory (where mariadbd puts relative names). */
  public static final String BINLOG_BASENAME = "mariadb-bin";

  /** Relay log base name (replicas), relative to the data directory like the binary log. */
  static final String RELAY_LOG_BASENAME = "mariadb-relay-bin";

  /**
   * SQL that mariadbd runs at every start, before it accepts connections: the replication role's
   * global settings, which {@code SET GLOBAL} does not persist. Kept in the data directory (it
   * belongs to this data, like {@code master.info}); see {@link #initFile}.
   */
  public static final String INIT_FILE = "coffer-init.sql";

  /**
   * The option file of parameters set through Coffer, in the data directory beside {@link
   * #INIT_FILE}.
   */
  public static final String PARAMETER_FILE = "coffer-parameters.cnf";

  /** Binary logs are purged after a week, so that they cannot fill the volume on their own. */
  static final Duration BINLOG_RETENTION = Duration.ofDays(7);

  /** Seconds a replica waits for its source's next event or heartbeat before it reconnects. */
  public static final int SLAVE_NET_TIMEOUT_SECONDS = 4;

  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private ServerCommand() {}

  public static ProcessSpec spec(ServerSettings s) {
    List<String> command = new ArrayList<>();
    command.add(s.mariadbd().toString());
    command.add("--defaults-file=" + s.dataDir().resolve(PARAMETER_FILE)); // must come first
    if (s.switchUser()) {
      command.add("--user=" + s.osUser());
    }
    command.add("--datadir=" + s.dataDir());
    command.add("--port=" + s.port());
    command.add("--bind-address=" + s.bindAddress());
    command.add("--socket=" + s.socket());
    command.add("--pid-file=" + s.pidFile());
    command.add("--log-error=" + s.errorLog());
    // Accounts are matched by IP: no DNS look-ups that stall logins when DNS is slow.
    command.add("--skip-name-resolve");
    // innodb_buffer_pool_size is in SERVER_OPTIONS_FILE, not here: the Galera SST script hands a
    // command-line --innodb-buffer-pool-size on to mariabackup, which refuses it (10.11)
    command.add("--max-connections=" + MAX_CONNECTIONS);
    // The binary log gives backups a position (binlog file, offset, GTID) and is what replication
    // and point-in-time recovery will replay; ROW format replays deterministically
    // (https://mariadb.com/kb/en/activating-the-binary-log/,
    // https://mariadb.com/kb/en/binary-log-formats/).
    // A relative base name keeps the binlog index valid if the data directory is mounted elsewhere.
    command.add("--log-bin=" + BINLOG_BASENAME);
    command.add("--server-id=" + s.serverId());
    command.add("--binlog-format=ROW");
    // every committed transaction is in the binlog on disk before it is acknowledged: a crash
    // cannot lose what point-in-time restore and replicas will replay
    // (https://mariadb.com/kb/en/replication-and-binary-log-system-variables/#sync_binlog)
    command.add("--sync-binlog=1");
    command.add("--binlog-expire-logs-seconds=" + BINLOG_RETENTION.toSeconds());
    // Replication (io.coffer.plugin.mysql.replication). A replica logs what it applies, with the
    // source's GTIDs, so that after a promote the others can continue from it by GTID and backups
    // taken on it carry positions
    // (https://mariadb.com/kb/en/replication-and-binary-log-system-variables/#log_slave_updates).
    command.add("--log-slave-updates");
    command.add("--relay-log=" + RELAY_LOG_BASENAME);
    // Every instance may serve semi-synchronous replicas; without one connected, commits do not
    // wait (wait_no_slave=OFF), and AFTER_SYNC shows a commit to nobody before a replica has it
    // (https://mariadb.com/kb/en/semisynchronous-replication/).
    command.add("--rpl-semi-sync-master-enabled=ON");
    command.add("--rpl-semi-sync-master-wait-no-slave=OFF");
    command.add("--rpl-semi-sync-master-wait-point=AFTER_SYNC");
    // A replica notices a silent source within 4 s (its source sends a heartbeat every second,
    // ChangeMaster), not the default 60: the control asks the replicas whether they still receive
    // from a primary it lost, before it fails over
    // (https://mariadb.com/kb/en/replication-and-binary-log-system-variables/#slave_net_timeout).
    command.add("--slave-net-timeout=" + SLAVE_NET_TIMEOUT_SECONDS);
    // The role's settings (read_only on a replica or a fenced source) hold from the first
    // connection after every restart
    // (https://mariadb.com/kb/en/server-system-variables/#init_file).
    // mariadbd refuses to start when the file is missing: MysqlDatastoreManager.prepare() creates
    // it.
    command.add("--init-file=" + initFile(s));
    // the pid file lets a restarted agent adopt a mariadbd that outlived it instead of starting a
    // second one
    return new ProcessSpec(
        command, Map.of(), s.dataDir(), s.outputLog(), STOP_TIMEOUT, s.pidFile());
  }

  /**
   * Options from the agent's settings that must not be on the command line (see {@link #spec}), in
   * the run directory: rendered before every start, read through the parameter file's {@code
   * !include}, after the parameters set through Coffer, so the settings win as the command line
   * does.
   */
  public static final String SERVER_OPTIONS_FILE = "coffer-server.cnf";

  public static Path serverOptionsFile(ServerSettings s) {
    return s.runDir().resolve(SERVER_OPTIONS_FILE);
  }

  /** Writes {@link #SERVER_OPTIONS_FILE}; nothing in it is secret. */
  public static void writeServerOptions(ServerSettings s) {
    String text =
        "# Written by the Coffer agent from datastore.settings at every start.\n[mariadbd]\n"
            + "innodb_buffer_pool_size="
            + s.innodbBufferPoolSize()
            + "\n";
    try {
      Files.createDirectories(s.runDir());
      Path tmp = s.runDir().resolve(SERVER_OPTIONS_FILE + ".tmp");
      Files.writeString(tmp, text);
      Files.move(
          tmp,
          serverOptionsFile(s),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot write " + serverOptionsFile(s) + ": " + e.getMessage(), e);
    }
  }

  /** The {@code --init-file} of this instance: {@link #INIT_FILE} in the data directory. */
  public static Path initFile(ServerSettings s) {
    return s.dataDir().resolve(INIT_FILE);
  }
}
