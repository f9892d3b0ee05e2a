package io.coffer.plugin.mysql.replication;

import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Keeps the replication role's global settings across server restarts. {@code SET GLOBAL} lasts
 * until mariadbd exits, and the runtime restarts mariadbd whenever it stops; so the same settings
 * are also written to the server's <a
 * href="https://mariadb.com/kb/en/server-system-variables/#init_file">init_file</a> ({@link
 * ServerCommand#INIT_FILE}), which mariadbd runs at start before it accepts connections: a replica
 * or a fenced source never takes a client write after a restart.
 *
 * <p>The file is replaced atomically and synced. It is written before a change that makes the
 * server read-only and after one that lifts it, so that a crash in between errs on the read-only
 * side (the control repeats the step). mariadbd refuses to start without the file; {@link
 * #ensureExists} runs before every start.
 */
public final class RoleFile {

  private static final String HEADER =
      "-- Written by the Coffer agent; mariadbd runs it at every start (--init-file).\n"
          + "-- The replication role's global settings (io.coffer.plugin.mysql.replication.RoleFile). Do not edit.\n";

  private static final String WAIT_ON = "SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON;";

  private final Path file;

  public RoleFile(Path file) {
    this.file = file;
  }

  /**
   * Creates the file for a primary when it is missing (a new or a freshly restored data directory).
   */
  public void ensureExists() {
    if (!Files.isRegularFile(file)) {
      write("");
    }
  }

  /** Read-only, and semi-synchronous replication on or off. */
  void replica(boolean semiSync) {
    write(
        "SET GLOBAL read_only = ON;\nSET GLOBAL rpl_semi_sync_slave_enabled = "
            + (semiSync ? "ON" : "OFF")
            + ";\n");
  }

  /** Read-only: a fenced source (it keeps whether it waits for a semi-synchronous replica). */
  void fenced() {
    source(true, waitsForReplica());
  }

  /** A writable source; see {@link #source}. */
  void primary(boolean waitForReplica) {
    source(false, waitForReplica);
  }

  /**
   * A source, read-only when {@code fenced}; {@code waitForReplica}: its commits wait for a
   * semi-synchronous replica's acknowledgement even while none is connected (up to {@code
   * rpl_semi_sync_master_timeout}).
   */
  void source(boolean fenced, boolean waitForReplica) {
    write((fenced ? "SET GLOBAL read_only = ON;\n" : "") + (waitForReplica ? WAIT_ON + "\n" : ""));
  }

  /** Whether the source's settings say it waits for a semi-synchronous replica. */
  boolean waitsForReplica() {
    try {
      return Files.isRegularFile(file)
          && Files.readString(file, StandardCharsets.UTF_8).contains(WAIT_ON);
    } catch (IOException e) {
      throw DatastoreException.internal("cannot read " + file + ": " + e, e);
    }
  }

  Path path() {
    return file;
  }

  private synchronized void write(String statements) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap((HEADER + statements).getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      // mariadbd reads it as its own OS account; nothing in it is secret.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw DatastoreException.internal("cannot write " + file + ": " + e, e);
    }
  }
}
