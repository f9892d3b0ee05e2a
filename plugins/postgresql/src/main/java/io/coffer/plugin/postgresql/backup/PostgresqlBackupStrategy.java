package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.postgresql.server.ServerSettings;
import io.coffer.plugin.postgresql.sql.InstanceContents;
import io.coffer.plugin.postgresql.sql.SocketConnector;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * PostgreSQL backups with PostgreSQL's own tools. FULL: a hot base backup of the whole cluster by
 * <a href="https://www.postgresql.org/docs/15/app-pgbasebackup.html">pg_basebackup</a> streamed as
 * tar, with the WAL needed to make it consistent ({@link BaseBackupSource}); positions: start and
 * end LSN, timeline ({@link BackupPositions}). Writes go on during the backup.
 *
 * <p>A restore replaces the whole instance, so it is only allowed into an empty one (no user
 * database, no user role); it brings the source's roles along, as any copy of a data directory does
 * ({@link BaseBackupRestore}). With a recovery target, the restore replays the archived WAL that
 * follows the backup ({@link WalArchiving}) up to it ({@link PointInTimeRecovery}).
 */
public final class PostgresqlBackupStrategy implements BackupStrategy {

  private static final Set<BackupType> TYPES = Set.of(BackupType.FULL);
  private static final int NAMES_SHOWN = 5;

  private final ToolCommands commands;
  private final SocketConnector connector;
  private final InstanceContents contents;
  private final Supplier<String> serverVersion;
  private final Runnable disconnect;

  /**
   * @param serverVersion the running server's version, or empty when unknown
   * @param disconnect closes the plugin's admin session (before a restore stops the server)
   */
  public PostgresqlBackupStrategy(
      ServerSettings settings,
      SocketConnector connector,
      InstanceContents contents,
      Supplier<String> serverVersion,
      Runnable disconnect) {
    this.commands = new ToolCommands(settings);
    this.connector = connector;
    this.contents = contents;
    this.serverVersion = serverVersion;
    this.disconnect = disconnect;
  }

  @Override
  public Set<BackupType> types() {
    return TYPES;
  }

  @Override
  public BackupSource open(BackupRequest request) {
    if (!TYPES.contains(request.type())) {
      throw DatastoreException.invalidArgument(
          "type", "the postgresql plugin takes " + TYPES + " backups, not " + request.type());
    }
    try {
      return BaseBackupSource.start(
          commands, connector, request.scratchDir().toAbsolutePath(), request.backupId());
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot start the "
              + request.type()
              + " backup "
              + request.backupId()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public RestoreSession restore(RestoreRequest request) {
    String version = serverVersion.get();
    ChainRules.checkChain(request.chain(), version);
    if (request.recoveryTarget() != null) {
      PointInTimeRecovery.check(request.recoveryTarget());
    }
    if (!request.reseed()) { // a replica being re-seeded is a copy of its source: it is replaced
      requireEmpty();
    }
    return new BaseBackupRestore(
        commands, connector, request, ChainRules.major(version), disconnect);
  }

  /** A restore replaces everything: refuse rather than silently destroy data. */
  private void requireEmpty() {
    InstanceContents.Contents found = contents.read();
    if (!found.isEmpty()) {
      throw DatastoreException.failedPrecondition(
          "restore needs an empty instance, because it replaces all of"
              + " its data and roles; this one has "
              + count(found.databases(), "user database")
              + " and "
              + count(found.roles(), "user role")
              + ". Delete them first, or restore into a new instance");
    }
  }

  private static String count(List<String> names, String what) {
    String shown = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
    String more = names.size() > NAMES_SHOWN ? ", ..." : "";
    return names.size()
        + " "
        + what
        + (names.size() == 1 ? "" : "s")
        + (names.isEmpty() ? "" : " (" + shown + more + ")");
  }
}
