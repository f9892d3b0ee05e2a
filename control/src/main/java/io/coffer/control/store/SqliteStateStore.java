package io.coffer.control.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.coffer.control.keys.SealingKey;
import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded state store: one SQLite file ({@code control.db}, mode 0600) in WAL mode with {@code
 * synchronous=FULL}, so a command is on disk before it is sent to an agent. Needs no set-up. Writes
 * are group-committed ({@link GroupCommitter}): concurrent callers share one fsync.
 *
 * <p>A command's payload is kept sealed ({@link SealingKey}, purpose {@code command}, the command
 * id as owner) only until its result is stored; then it is dropped with {@code secure_delete} on
 * (its bytes zeroed in the file) and the write-ahead log is truncated soon after, so a password
 * sent in a command is found in no file of the state directory once the command has finished.
 * Format 2 added the request digest and sealing; a format 1 file is migrated at open, its pending
 * payloads sealed.
 */
public final class SqliteStateStore implements StateStore {
  private static final int FORMAT = 3;
  private static final String PURPOSE = "command";
  private final GroupCommitter writer;
  private final SealingKey cipher;

  private SqliteStateStore(Connection db, SealingKey cipher) throws SQLException {
    this.writer = new GroupCommitter(db, "coffer-store");
    this.cipher = cipher;
  }

  public static SqliteStateStore open(Path dir) throws IOException {
    SealingKey cipher = SealingKey.open(dir);
    Connection db =
        SqliteFile.open(
            dir.resolve("control.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS commands (
          command_id  TEXT PRIMARY KEY,
          instance_id TEXT NOT NULL,
          operation   TEXT NOT NULL,
          state       TEXT NOT NULL CHECK (state IN ('PENDING', 'DONE')),
          command     BLOB,
          result      BLOB,
          created_at  INTEGER NOT NULL,
          finished_at INTEGER,
          request_digest BLOB,
          sealed      INTEGER NOT NULL DEFAULT 0
        )""",
                "CREATE INDEX IF NOT EXISTS commands_pending ON commands (instance_id, state, created_at)",
                """
        CREATE TABLE IF NOT EXISTS instances (
          instance_id    TEXT PRIMARY KEY,
          hello          BLOB NOT NULL,
          last_connected INTEGER NOT NULL,
          certificate_serial    TEXT,
          certificate_not_after INTEGER
        )"""),
            Map.of(
                2,
                List.of(
                    "ALTER TABLE commands ADD COLUMN request_digest BLOB",
                    "ALTER TABLE commands ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0"),
                3,
                List.of(
                    "ALTER TABLE instances ADD COLUMN certificate_serial TEXT",
                    "ALTER TABLE instances ADD COLUMN certificate_not_after INTEGER")));
    try {
      SqliteStateStore store = new SqliteStateStore(db, cipher);
      store.sealLegacyPayloads();
      return store;
    } catch (SQLException e) {
      throw new IOException("cannot open the state store: " + e.getMessage(), e);
    }
  }

  /** Seals the payloads a format 1 control journaled in plaintext, then erases them. */
  private void sealLegacyPayloads() throws SQLException {
    int sealed =
        writer.execute(
            c -> {
              List<String> ids = new ArrayList<>();
              List<byte[]> payloads = new ArrayList<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT command_id, command FROM commands WHERE command IS NOT NULL AND sealed = 0")) {
                while (rs.next()) {
                  ids.add(rs.getString(1));
                  payloads.add(rs.getBytes(2));
                }
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE commands SET command = ?, sealed = 1 WHERE command_id = ?")) {
                for (int i = 0; i < ids.size(); i++) {
                  ps.setBytes(1, cipher.seal(PURPOSE, ids.get(i), payloads.get(i)));
                  ps.setString(2, ids.get(i));
                  ps.executeUpdate();
                }
              }
              return ids.size();
            });
    if (sealed > 0) {
      writer.truncateLogSoon();
    }
  }

  @Override
  public Optional<StoredCommand> insertIfAbsent(
      String instanceId, String operation, Command command, byte[] requestDigest, Instant now) {
    byte[] sealed = cipher.seal(PURPOSE, command.getCommandId(), command.toByteArray());
    try {
      return writer.execute(
          c -> {
            Optional<StoredCommand> existing = find(c, command.getCommandId());
            if (existing.isPresent()) {
              return existing;
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO commands (command_id, instance_id, operation, state, "
                        + "command, created_at, request_digest, sealed) VALUES (?, ?, ?, 'PENDING', ?, ?, ?, 1)")) {
              ps.setString(1, command.getCommandId());
              ps.setString(2, instanceId);
              ps.setString(3, operation);
              ps.setBytes(4, sealed);
              ps.setLong(5, now.toEpochMilli());
              ps.setBytes(6, requestDigest);
              ps.executeUpdate();
              return Optional.<StoredCommand>empty();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("journal command " + command.getCommandId(), e);
    }
  }

  @Override
  public Optional<StoredCommand> find(String commandId) {
    try {
      return writer.execute(c -> find(c, commandId));
    } catch (SQLException e) {
      throw new StoreException("find command " + commandId, e);
    }
  }

  private static final String COLUMNS =
      "command_id, instance_id, operation, state, command, result, created_at, finished_at, request_digest, sealed";

  private Optional<StoredCommand> find(Connection c, String commandId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM commands WHERE command_id = ?")) {
      ps.setString(1, commandId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(command(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public boolean complete(String commandId, Result result, Instant now) {
    try {
      return writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE commands SET state = 'DONE', result = ?, command = NULL, finished_at = ? WHERE command_id = ? AND state = 'PENDING'")) {
              ps.setBytes(1, result.toByteArray());
              ps.setLong(2, now.toEpochMilli());
              ps.setString(3, commandId);
              boolean finished = ps.executeUpdate() == 1;
              if (finished) {
                writer.truncateLogSoon(); // the log still holds the frames with the sealed payload
              }
              return finished;
            }
          });
    } catch (SQLException e) {
      throw new StoreException("complete command " + commandId, e);
    }
  }

  @Override
  public List<StoredCommand> pending(String instanceId) {
    try {
      return writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT "
                        + COLUMNS
                        + " FROM commands WHERE instance_id = ? AND state = 'PENDING' ORDER BY created_at")) {
              ps.setString(1, instanceId);
              List<StoredCommand> out = new ArrayList<>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(command(rs));
                }
              }
              return out;
            }
          });
    } catch (SQLException e) {
      throw new StoreException("list pending commands", e);
    }
  }

  @Override
  public int prune(Instant cutoff) {
    try {
      return writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM commands WHERE state = 'DONE' AND finished_at < ?")) {
              ps.setLong(1, cutoff.toEpochMilli());
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("prune commands", e);
    }
  }

  @Override
  public void saveInstance(
      String instanceId, Hello hello, Instant now, KnownCertificate certificate) {
    try {
      writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO instances (instance_id, hello, last_connected, certificate_serial,"
                        + " certificate_not_after) VALUES (?, ?, ?, ?, ?) ON CONFLICT (instance_id)"
                        + " DO UPDATE SET hello = excluded.hello, last_connected ="
                        + " excluded.last_connected, certificate_serial ="
                        + " excluded.certificate_serial, certificate_not_after ="
                        + " excluded.certificate_not_after")) {
              ps.setString(1, instanceId);
              ps.setBytes(2, hello.toByteArray());
              ps.setLong(3, now.toEpochMilli());
              ps.setString(4, certificate.serial());
              ps.setLong(5, certificate.notAfter().toEpochMilli());
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("save instance " + instanceId, e);
    }
  }

  @Override
  public void saveCertificate(String instanceId, KnownCertificate certificate) {
    try {
      writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE instances SET certificate_serial = ?, certificate_not_after = ?"
                        + " WHERE instance_id = ?")) {
              ps.setString(1, certificate.serial());
              ps.setLong(2, certificate.notAfter().toEpochMilli());
              ps.setString(3, instanceId);
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("save the certificate of instance " + instanceId, e);
    }
  }

  @Override
  public List<KnownInstance> instances() {
    try {
      return writer.execute(
          c -> {
            List<KnownInstance> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                ResultSet rs =
                    s.executeQuery(
                        "SELECT instance_id, hello, last_connected, certificate_serial,"
                            + " certificate_not_after FROM instances ORDER BY instance_id")) {
              while (rs.next()) {
                try {
                  out.add(
                      new KnownInstance(
                          rs.getString(1),
                          Hello.parseFrom(rs.getBytes(2)),
                          Instant.ofEpochMilli(rs.getLong(3)),
                          rs.getString(4) == null
                              ? Optional.empty()
                              : Optional.of(
                                  new KnownCertificate(
                                      rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))))));
                } catch (InvalidProtocolBufferException e) {
                  throw new SQLException("corrupt instance row " + rs.getString(1), e);
                }
              }
            }
            return out;
          });
    } catch (SQLException e) {
      throw new StoreException("list instances", e);
    }
  }

  private StoredCommand command(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    try {
      byte[] cmd = rs.getBytes(5);
      byte[] res = rs.getBytes(6);
      long finished = rs.getLong(8);
      boolean hasFinished = !rs.wasNull();
      byte[] digest = rs.getBytes(9);
      if (cmd != null && rs.getInt(10) == 1) {
        try {
          cmd = cipher.open(PURPOSE, id, cmd);
        } catch (GeneralSecurityException e) {
          throw new SQLException(
              "the payload of command "
                  + id
                  + " cannot be opened with "
                  + SealingKey.FILE
                  + " (was the key file replaced?)",
              e);
        }
      }
      return new StoredCommand(
          rs.getString(1),
          rs.getString(2),
          rs.getString(3),
          State.valueOf(rs.getString(4)),
          cmd == null ? Optional.empty() : Optional.of(Command.parseFrom(cmd)),
          res == null ? Optional.empty() : Optional.of(Result.parseFrom(res)),
          Instant.ofEpochMilli(rs.getLong(7)),
          hasFinished ? Optional.of(Instant.ofEpochMilli(finished)) : Optional.empty(),
          Optional.ofNullable(digest));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("corrupt command row " + rs.getString(1), e);
    }
  }

  @Override
  public void close() {
    writer.close();
  }

  /** The store could not be read or written. */
  public static final class StoreException extends RuntimeException {
    StoreException(String what, Throwable cause) {
      super("state store: " + what + ": " + cause.getMessage(), cause);
    }
  }
}
