package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.postgresql.naming.ReservedNames;
import io.coffer.plugin.postgresql.server.ServerSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * The command lines of the tools backup and restore run, as argument lists (never a shell), with
 * long options only and absolute paths. pg_basebackup runs as the agent (OS root) and logs in as
 * the admin role over the UNIX socket by peer authentication, like the plugin's own connections
 * ({@code pg_hba.conf} has a {@code local replication} line for it); it never asks for a password.
 */
final class ToolCommands {

  private final ServerSettings settings;

  ToolCommands(ServerSettings settings) {
    this.settings = settings;
  }

  ServerSettings settings() {
    return settings;
  }

  String path(Program program) {
    return program.find(settings.binDir()).toString();
  }

  List<String> version(Program program) {
    return List.of(path(program), "--version");
  }

  /**
   * A base backup of the whole cluster as one tar stream on stdout (<a
   * href="https://www.postgresql.org/docs/15/app-pgbasebackup.html">pg_basebackup</a>): {@code
   * --wal-method=fetch} adds the WAL written during the backup at its end, so the backup restores
   * on its own, without a WAL archive; {@code --checkpoint=fast} starts at once instead of waiting
   * for a spread checkpoint; {@code --verbose} prints the start and end LSNs and the timeline
   * ({@link BackupPositions}). The stream includes a <a
   * href="https://www.postgresql.org/docs/15/backup-manifest-format.html">backup manifest</a>.
   */
  List<String> baseBackup(String label) {
    return List.of(
        path(Program.PG_BASEBACKUP),
        "--host=" + settings.runDir(),
        "--port=" + settings.port(),
        "--username=" + ReservedNames.ADMIN_ROLE,
        "--no-password",
        "--pgdata=-",
        "--format=tar",
        "--wal-method=fetch",
        "--checkpoint=fast",
        "--verbose",
        "--label=" + label);
  }

  /**
   * Checks an extracted base backup against its manifest, every file present with its size and no
   * other, and parses the WAL it needs with pg_waldump (<a
   * href="https://www.postgresql.org/docs/15/app-pgverifybackup.html">pg_verifybackup</a>). The
   * files' checksums are skipped: every byte was authenticated as it was decrypted (AES-GCM per
   * segment, and the stored object's SHA-256 against the Coffer manifest), and checking them again
   * would read the whole data directory back from disk (the extraction wrote it with direct I/O),
   * 2.9 s of a 1.4 GiB restore measured.
   */
  List<String> verify(Path dir) {
    return List.of(
        path(Program.PG_VERIFYBACKUP),
        "--quiet",
        "--skip-checksums",
        dir.toAbsolutePath().toString());
  }
}
