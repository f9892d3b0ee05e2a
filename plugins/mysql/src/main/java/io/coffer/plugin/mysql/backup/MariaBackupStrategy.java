package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.mysql.naming.ReservedAccounts;
import io.coffer.plugin.mysql.server.ServerSettings;
import io.coffer.plugin.mysql.sql.AccountExport;
import io.coffer.plugin.mysql.sql.DatabaseAdmin;
import io.coffer.plugin.mysql.sql.InstanceReset;
import io.coffer.plugin.mysql.sql.UserAdmin;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * MariaDB backups with MariaDB's own tools:
 *
 * <ul>
 *   <li>FULL and INCREMENTAL: a hot physical copy by <a
 *       href="https://mariadb.com/kb/en/mariadb-backup-overview/">mariadb-backup</a> (InnoDB keeps
 *       taking writes), streamed as xbstream ({@link PhysicalBackupSource}); an incremental copies
 *       the pages changed since its parent's LSN. Positions: LSN, binlog file, offset, GTID.
 *   <li>LOGICAL: user accounts and a <a
 *       href="https://mariadb.com/kb/en/mariadb-dump/">mariadb-dump</a> of every user database with
 *       routines, triggers and events ({@link LogicalBackupSource}).
 * </ul>
 *
 * <p>A restore replaces the whole instance, so it is only allowed into an empty one (no user
 * database, no user account), or, from a physical backup, into a replica being re-seeded ({@link
 * RestoreRequest#reseed()}), whose copy is thrown away. A physical restore brings the source's
 * {@code mysql} schema with it, as any copy of a data directory does; a logical one never touches
 * the target's internal accounts. The tools run as the agent (OS root) and log in as {@code
 * root@localhost} over the socket, like the plugin's own connections.
 */
public final class MariaBackupStrategy implements BackupStrategy {

  private static final Set<BackupType> TYPES =
      Collections.unmodifiableSet(
          EnumSet.of(BackupType.FULL, BackupType.INCREMENTAL, BackupType.LOGICAL));
  private static final int NAMES_SHOWN = 5;

  private final ToolCommands commands;
  private final DatabaseAdmin databases;
  private final UserAdmin users;
  private final AccountExport accounts;
  private final InstanceReset reset;
  private final Supplier<String> serverVersion;

  /**
   * @param adminUser the MariaDB account the tools log in as (see {@link ToolCommands})
   * @param serverVersion the running server's version, or empty when unknown
   */
  public MariaBackupStrategy(
      ServerSettings settings,
      String adminUser,
      AdminSession admin,
      Supplier<String> serverVersion) {
    this.commands = new ToolCommands(settings, adminUser);
    this.databases = new DatabaseAdmin(admin);
    ReservedAccounts reserved = ReservedAccounts.of(adminUser, settings.osUser());
    this.users = new UserAdmin(admin, reserved);
    this.accounts = new AccountExport(admin, reserved);
    this.reset = new InstanceReset(admin, reserved);
    this.serverVersion = serverVersion;
  }

  @Override
  public Set<BackupType> types() {
    return TYPES;
  }

  @Override
  public BackupSource open(BackupRequest request) {
    try {
      return switch (request.type()) {
        case FULL ->
            PhysicalBackupSource.start(commands, request.scratchDir().toAbsolutePath(), null);
        case INCREMENTAL ->
            PhysicalBackupSource.start(
                commands,
                request.scratchDir().toAbsolutePath(),
                ChainRules.parentLsn(request.parent()));
        case LOGICAL ->
            LogicalBackupSource.start(
                commands,
                request.scratchDir().toAbsolutePath(),
                databases.list().stream().map(Database::name).toList(),
                accounts.script());
      };
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
    ChainRules.checkChain(request.chain(), serverVersion.get());
    if (!request.reseed()) {
      requireEmpty();
    } else if (request.chain().get(0).type() == BackupType.LOGICAL) {
      throw DatastoreException.failedPrecondition(
          "a replica is re-seeded from a physical backup; backup "
              + request.chain().get(0).backupId()
              + " is logical");
    }
    if (request.recoveryTarget() != null && request.recoveryTarget().lsn() != null) {
      throw DatastoreException.invalidArgument(
          "target_lsn",
          "MariaDB restores to a time, a GTID (target_gtid) or" + " to the end of the archive");
    }
    if (request.recoveryTarget() != null && request.recoveryTarget().gtid() != null) {
      GtidTarget.parse(request.recoveryTarget().gtid())
          .requireAfter(
              request.target().positions().get(BackupManifest.POSITION_GTID_SET),
              request.target().backupId());
    }
    if (request.recoveryTarget() != null && request.recoveryTarget().name() != null) {
      throw DatastoreException.invalidArgument(
          "target_name", "MariaDB has no named restore points; restore to a time");
    }
    if (request.recoveryTarget() != null && request.chain().get(0).type() == BackupType.LOGICAL) {
      throw DatastoreException.invalidArgument(
          "target_time",
          "point-in-time restores start from a full"
              + " (physical) backup; backup "
              + request.chain().get(0).backupId()
              + " is logical");
    }
    return request.chain().get(0).type() == BackupType.LOGICAL
        ? new LogicalRestore(commands, reset, request)
        : new PhysicalRestore(commands, request);
  }

  /** A restore replaces everything: refuse rather than silently destroy data. */
  private void requireEmpty() {
    List<String> dbs = databases.list().stream().map(Database::name).toList();
    List<String> userAccounts = users.list().stream().map(u -> u.name() + "@" + u.host()).toList();
    if (!dbs.isEmpty() || !userAccounts.isEmpty()) {
      throw DatastoreException.failedPrecondition(
          "restore needs an empty instance, because it replaces all of"
              + " its data and accounts; this one has "
              + count(dbs, "user database")
              + " and "
              + count(userAccounts, "user account")
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
