package io.coffer.plugin.mysql.server;

import io.coffer.spi.ProcessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mariadbd command line the runtime supervises. Everything is given on the command line with
 * {@code --no-defaults}, so no my.cnf on the host can interfere
 * (<a href="https://mariadb.com/kb/en/mariadbd-options/">mariadbd options</a>). mariadbd shuts down
 * cleanly on SIGTERM.
 */
public final class ServerCommand {

  static final int MAX_CONNECTIONS = 100;
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private ServerCommand() {}

  public static ProcessSpec spec(ServerSettings s) {
    List<String> command = new ArrayList<>();
    command.add(s.mariadbd().toString());
    command.add("--no-defaults"); // must come first
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
    command.add("--innodb-buffer-pool-size=" + s.innodbBufferPoolSize());
    command.add("--max-connections=" + MAX_CONNECTIONS);
    // the pid file lets a restarted agent adopt a mariadbd that outlived it instead of starting a second one
    return new ProcessSpec(command, Map.of(), s.dataDir(), s.outputLog(), STOP_TIMEOUT, s.pidFile());
  }
}
