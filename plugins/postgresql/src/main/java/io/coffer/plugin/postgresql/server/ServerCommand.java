package io.coffer.plugin.postgresql.server;

import io.coffer.plugin.kit.ServerUser;
import io.coffer.spi.ProcessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The postgres command line the runtime supervises, run as the server's OS account ({@link
 * ServerUser}). Everything the plugin relies on is a {@code -c} option, which overrides both {@code
 * postgresql.conf} and {@code postgresql.auto.conf} (<a
 * href="https://www.postgresql.org/docs/15/config-setting.html#CONFIG-SETTING-SHELL">Parameter
 * Interaction via the Shell</a>), so a restored data directory cannot move the server to another
 * port, socket or set of authentication rules.
 *
 * <p>On SIGTERM the postmaster performs a "smart" shutdown: it refuses new connections and waits
 * for the existing sessions to end (<a
 * href="https://www.postgresql.org/docs/15/server-shutdown.html">Shutting Down the Server</a>). The
 * agent's own sessions do not hold it up: probes connect afresh each time and the admin session is
 * closed by the server after {@code idle_session_timeout}; clients still connected after {@link
 * #STOP_TIMEOUT} make the runtime kill the server, which then recovers from its WAL at the next
 * start.
 */
public final class ServerCommand {

  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private ServerCommand() {}

  public static ProcessSpec spec(ServerSettings s) {
    List<String> command = new ArrayList<>();
    command.add(s.program("postgres").toString());
    command.add("-D");
    command.add(s.dataDir().toString());
    option(command, "listen_addresses", s.bindAddress());
    option(command, "port", Integer.toString(s.port()));
    // the socket only the agent (root) and the server's account can reach; no socket in
    // /var/run/postgresql
    option(command, "unix_socket_directories", s.runDir().toString());
    option(command, "unix_socket_permissions", "0700");
    option(command, "hba_file", s.hbaFile().toString());
    option(command, "ident_file", s.identFile().toString());
    option(command, "password_encryption", "scram-sha-256");
    option(command, "shared_buffers", s.sharedBuffers());
    option(command, "max_connections", Integer.toString(s.maxConnections()));
    // WAL that base backups and, later, replicas and point-in-time restores need
    // (https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-WAL-LEVEL)
    option(command, "wal_level", "replica");
    // A new standby creates its replication slot only once it is attached, after its backup was
    // restored: keep that much WAL meanwhile. A slot whose standby is gone may hold at most
    // max_slot_wal_keep_size, so that it cannot fill the volume
    // (https://www.postgresql.org/docs/15/runtime-config-replication.html#RUNTIME-CONFIG-REPLICATION-SENDER).
    option(command, "wal_keep_size", "256MB");
    option(command, "max_slot_wal_keep_size", "4GB");
    // continuous archiving through the agent (backup.WalArchiving): basic_archive copies each
    // completed segment into the spool, fsynced, with no shell involved; "always": a standby
    // archives
    // the WAL it receives too, so a backup taken on it (the default when it is caught up) has its
    // archive
    option(command, "archive_mode", "always");
    option(command, "archive_library", "basic_archive");
    option(command, "basic_archive.archive_directory", s.walSpoolDir().toString());
    option(command, "archive_timeout", Long.toString(s.archiveTimeout().toSeconds()));
    // a standby notices a silent primary within 5 s, not the default 60: the WAL receiver asks for
    // a reply after half of it and ends the connection at its end. The control asks the standbys
    // whether they still receive from a primary it lost, before it fails over
    // (https://www.postgresql.org/docs/15/runtime-config-replication.html#GUC-WAL-RECEIVER-TIMEOUT).
    option(command, "wal_receiver_timeout", "5s");
    // logs go to stderr, which the runtime appends to the output log
    option(command, "logging_collector", "off");
    // the pid file (first line: the postmaster's pid) lets a restarted agent adopt a postmaster
    // that outlived it instead of starting a second one
    return new ProcessSpec(
        s.asServerUser(command), Map.of(), s.dataDir(), s.outputLog(), STOP_TIMEOUT, s.pidFile());
  }

  private static void option(List<String> command, String name, String value) {
    command.add("-c");
    command.add(name + "=" + value);
  }
}
