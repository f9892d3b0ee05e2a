package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.kit.ToolVersion;
import io.coffer.plugin.postgresql.Tools;
import io.coffer.plugin.postgresql.sql.SocketConnector;
import io.coffer.spi.backup.BackupSource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A running {@code pg_basebackup --format=tar --pgdata=-}: its stdout is the backup, its verbose
 * stderr gives the positions once it has exited successfully ({@link BackupPositions}). The WAL it
 * needs is held for it ({@link WalHold}) until it is done.
 */
final class BaseBackupSource implements BackupSource {

  /** pg_basebackup exits right after its last byte; this only guards against a hung tool. */
  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(10);

  private final ToolProcess tool;
  private final String toolVersion;
  private final WalHold walHold;

  private BaseBackupSource(ToolProcess tool, String toolVersion, WalHold walHold) {
    this.tool = tool;
    this.toolVersion = toolVersion;
    this.walHold = walHold;
  }

  static BaseBackupSource start(
      ToolCommands commands, SocketConnector connector, Path scratch, String backupId)
      throws IOException {
    String version =
        ToolVersion.of(
            Program.PG_BASEBACKUP.displayName(),
            commands.version(Program.PG_BASEBACKUP),
            scratch,
            Tools.ENV,
            Program.VERSION);
    WalHold hold = WalHold.acquire(connector, backupId);
    try {
      ToolProcess tool =
          ToolProcess.start(
              Program.PG_BASEBACKUP.displayName(),
              commands.baseBackup("coffer " + backupId),
              scratch,
              ProcessBuilder.Redirect.from(new File("/dev/null")),
              true,
              Tools.ENV);
      return new BaseBackupSource(tool, version, hold);
    } catch (IOException | RuntimeException e) {
      hold.close();
      throw e;
    }
  }

  @Override
  public InputStream stream() {
    return tool.stdout();
  }

  @Override
  public String tool() {
    return Program.PG_BASEBACKUP.displayName();
  }

  @Override
  public String toolVersion() {
    return toolVersion;
  }

  @Override
  public Map<String, String> finish() throws IOException {
    try {
      tool.check(FINISH_TIMEOUT);
      return BackupPositions.parse(tool.tail());
    } finally {
      walHold.close();
    }
  }

  /** The tool's process id, for tests and logs. */
  long pid() {
    return tool.pid();
  }

  @Override
  public void close() {
    tool.kill();
    walHold.close();
    try {
      tool.stdout().close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
