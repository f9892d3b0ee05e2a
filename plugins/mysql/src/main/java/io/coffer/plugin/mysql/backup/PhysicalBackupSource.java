package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.kit.ToolVersion;
import io.coffer.plugin.mysql.Tools;
import io.coffer.spi.backup.BackupSource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/**
 * A running {@code mariadb-backup --backup --stream=xbstream}: its stdout is the backup. The
 * metadata it also writes to {@code <scratch>/lsn} ({@code --extra-lsndir}) gives the positions
 * once it has exited successfully.
 */
final class PhysicalBackupSource implements BackupSource {

  /** mariadb-backup exits right after its last byte; this only guards against a hung tool. */
  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(10);

  private final ToolProcess tool;
  private final String toolVersion;
  private final Path lsnDir;

  private PhysicalBackupSource(ToolProcess tool, String toolVersion, Path lsnDir) {
    this.tool = tool;
    this.toolVersion = toolVersion;
    this.lsnDir = lsnDir;
  }

  /**
   * @param incrementalLsn the parent's LSN for an incremental backup, null for a full one
   */
  static PhysicalBackupSource start(ToolCommands commands, Path scratch, String incrementalLsn)
      throws IOException {
    String version =
        ToolVersion.of(
            Program.MARIADB_BACKUP.displayName(),
            commands.version(Program.MARIADB_BACKUP),
            scratch,
            Tools.ENV,
            Program.VERSION);
    Path target = privateDir(scratch.resolve("tmp"));
    Path lsnDir = privateDir(scratch.resolve("lsn"));
    ToolProcess tool =
        ToolProcess.start(
            Program.MARIADB_BACKUP.displayName(),
            commands.backup(target, lsnDir, incrementalLsn),
            scratch,
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            true,
            Tools.ENV);
    return new PhysicalBackupSource(tool, version, lsnDir);
  }

  static Path privateDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  @Override
  public InputStream stream() {
    return tool.stdout();
  }

  @Override
  public String tool() {
    return Program.MARIADB_BACKUP.displayName();
  }

  @Override
  public String toolVersion() {
    return toolVersion;
  }

  @Override
  public Map<String, String> finish() throws IOException {
    tool.check(FINISH_TIMEOUT);
    return BackupMetadata.read(lsnDir).positions();
  }

  /** The tool's process id, for tests and logs. */
  long pid() {
    return tool.pid();
  }

  @Override
  public void close() {
    tool.kill();
    try {
      tool.stdout().close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
