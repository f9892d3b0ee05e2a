package io.coffer.plugin.postgresql.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code standby.signal} in the data directory: at its next start the server enters standby mode
 * instead of opening as a primary, and stays read-only until promoted; with no {@code
 * primary_conninfo} it replays what it has and waits (<a
 * href="https://www.postgresql.org/docs/15/warm-standby.html#STANDBY-SERVER-OPERATION">Standby
 * Server Operation</a>). {@code pg_promote()} removes it. The plugin uses it for a backup restored
 * as a replica and to fence a primary: both outlive restarts of the server and of the agent.
 */
public final class StandbySignal {

  public static final String FILE = "standby.signal";

  private StandbySignal() {}

  /** Creates the file (empty, mode 0600, owned by the server's account) if it is missing. */
  public static void create(ServerSettings settings) throws IOException {
    Path file = settings.dataDir().resolve(FILE);
    if (Files.exists(file)) {
      return;
    }
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    if (settings.serverUser() != null) {
      settings.serverUser().chown(file);
    }
  }

  public static boolean exists(ServerSettings settings) {
    return Files.exists(settings.dataDir().resolve(FILE));
  }
}
