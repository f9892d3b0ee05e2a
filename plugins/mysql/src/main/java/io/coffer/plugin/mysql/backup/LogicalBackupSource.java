package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.kit.ToolVersion;
import io.coffer.plugin.mysql.Tools;
import io.coffer.plugin.mysql.sql.AccountExport;
import io.coffer.spi.backup.BackupSource;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A logical backup: SQL for the mariadb client. A short prologue creates the user-managed accounts
 * ({@link AccountExport}; internal accounts are left out on purpose), so that the DEFINERs of
 * views, routines, triggers and events exist when those are created; then comes mariadb-dump's
 * output for every user database, and last the accounts' grants, whose tables and routines exist by
 * then. Without user databases no dump runs: prologue and grants alone are a valid backup.
 */
final class LogicalBackupSource implements BackupSource {

  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(10);
  // The first line is the one mariadb-dump itself starts with: it puts the client in sandbox mode
  // (no shell escapes) from the first byte on (https://mariadb.com/kb/en/mariadb-dump/).
  private static final String PROLOGUE =
      "/*M!999999\\- enable the sandbox mode */\n"
          + "-- Coffer logical backup of MariaDB: user accounts, then mariadb-dump of the user databases.\n"
          + "-- Internal accounts (root, mariadb.sys, mysql, coffer_*) are deliberately not included.\n";

  private final ToolProcess dump; // null when there was nothing to dump
  private final DumpPositions positions;
  private final InputStream stream;
  private final String toolVersion;

  private LogicalBackupSource(
      ToolProcess dump, DumpPositions positions, InputStream stream, String toolVersion) {
    this.dump = dump;
    this.positions = positions;
    this.stream = stream;
    this.toolVersion = toolVersion;
  }

  static LogicalBackupSource start(
      ToolCommands commands, Path scratch, List<String> databases, AccountExport.Script accounts)
      throws IOException {
    String version =
        ToolVersion.of(
            Program.MARIADB_DUMP.displayName(),
            commands.version(Program.MARIADB_DUMP),
            scratch,
            Tools.ENV,
            Program.VERSION);
    InputStream prologue = utf8(PROLOGUE + accounts.accounts());
    InputStream grants = utf8(accounts.grants());
    if (databases.isEmpty()) {
      return new LogicalBackupSource(
          null, null, new SequenceInputStream(prologue, grants), version);
    }
    ToolProcess dump =
        ToolProcess.start(
            Program.MARIADB_DUMP.displayName(),
            commands.dump(databases),
            scratch,
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            true,
            Tools.ENV);
    DumpPositions positions = new DumpPositions(dump.stdout());
    InputStream all =
        new SequenceInputStream(Collections.enumeration(List.of(prologue, positions, grants)));
    return new LogicalBackupSource(dump, positions, all, version);
  }

  private static InputStream utf8(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public InputStream stream() {
    return stream;
  }

  @Override
  public String tool() {
    return Program.MARIADB_DUMP.displayName();
  }

  @Override
  public String toolVersion() {
    return toolVersion;
  }

  @Override
  public Map<String, String> finish() throws IOException {
    if (dump == null) {
      return Map.of();
    }
    dump.check(FINISH_TIMEOUT);
    return positions.positions();
  }

  @Override
  public void close() {
    if (dump == null) {
      return; // the prologue holds no resources
    }
    dump.kill();
    try {
      // the tool's pipe, not the sequence around it, which is not safe to close under a reader
      dump.stdout().close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
