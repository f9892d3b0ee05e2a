package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.StagedChain;
import io.coffer.plugin.kit.ToolRunner;
import io.coffer.plugin.mysql.Tools;
import io.coffer.plugin.mysql.sql.InstanceReset;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a logical backup into the running server. Staging only writes the SQL to {@code
 * <scratch>/dump.sql}: the runtime's stream is authenticated up to its very end, so nothing may run
 * before the whole backup has been read. Install replays the file with the <a
 * href="https://mariadb.com/kb/en/mariadb-command-line-client/">mariadb</a> client, which stops at
 * the first error; the instance was empty, so on failure every user database and account is dropped
 * to make it empty again.
 */
final class LogicalRestore implements RestoreSession {

  private static final Logger log = LoggerFactory.getLogger(LogicalRestore.class);
  private static final Duration REPLAY = Duration.ofHours(24);

  private final ToolCommands commands;
  private final InstanceReset reset;
  private final Path dump;
  private final StagedChain chain;
  private final ToolRunner tools;

  LogicalRestore(ToolCommands commands, InstanceReset reset, RestoreRequest request) {
    this.commands = commands;
    this.reset = reset;
    Path scratch = request.scratchDir().toAbsolutePath();
    this.dump = scratch.resolve("dump.sql");
    this.chain = new StagedChain(request.chain());
    this.tools = new ToolRunner(scratch, Tools.ENV);
  }

  @Override
  public void stage(BackupManifest backup, InputStream stream) throws IOException {
    chain.next(backup);
    // The dump holds password hashes: readable by the agent only.
    Files.createFile(
        dump, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(dump, StandardOpenOption.WRITE)) {
      stream.transferTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(dump);
      throw e;
    }
    chain.done();
  }

  @Override
  public void install(ServerControl server) throws IOException {
    chain.requireComplete();
    try {
      tools.run(
          Program.MARIADB.displayName(),
          commands.sqlClient(),
          ProcessBuilder.Redirect.from(dump.toFile()),
          REPLAY);
    } catch (IOException e) {
      try {
        reset.dropUserContent();
      } catch (RuntimeException cleanup) {
        IOException failed =
            new IOException(
                "restore failed: "
                    + e.getMessage()
                    + "\nemptying the instance again failed too ("
                    + cleanup.getMessage()
                    + "); drop the restored databases and accounts by hand",
                e);
        failed.addSuppressed(cleanup);
        throw failed;
      }
      log.warn("Logical restore failed; the databases and accounts it created were dropped");
      throw new IOException(
          "restore failed, and the databases and accounts it had created were dropped (the"
              + " instance is empty again): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    tools.close();
  }
}
