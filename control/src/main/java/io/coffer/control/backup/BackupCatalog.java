package io.coffer.control.backup;

import com.google.protobuf.InvalidProtocolBufferException;
import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import io.coffer.proto.v1.BackupManifest;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control's record of backups and schedules: an SQLite file ({@code backups.db}, mode 0600,
 * WAL, synchronous=FULL) next to the command journal. Every call blocks until durable; call it off
 * gRPC and Reactor non-blocking threads.
 */
public final class BackupCatalog implements AutoCloseable {
  /** 2: taken_on. */
  private static final int FORMAT = 2;

  private static final String COLUMNS =
      "backup_id, instance_id, type, parent_id, state, command_id, origin,"
          + " created_at, finished_at, manifest, error, taken_on";
  private static final String VALUES = "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
  private final GroupCommitter db;

  /** The schedule of an instance and when each kind last ran. */
  public record ScheduleEntry(BackupSchedule schedule, Instant lastFull, Instant lastIncremental) {}

  private BackupCatalog(GroupCommitter db) {
    this.db = db;
  }

  public static BackupCatalog open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("backups.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS backups (
          backup_id   TEXT PRIMARY KEY,
          instance_id TEXT NOT NULL,
          type        INTEGER NOT NULL,
          parent_id   TEXT NOT NULL,
          state       INTEGER NOT NULL,
          command_id  TEXT NOT NULL UNIQUE,
          origin      TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          finished_at INTEGER,
          manifest    BLOB,
          error       TEXT NOT NULL,
          taken_on    TEXT NOT NULL DEFAULT ''
        )""",
                "CREATE INDEX IF NOT EXISTS backups_instance ON backups (instance_id, created_at)",
                "CREATE INDEX IF NOT EXISTS backups_parent ON backups (parent_id)",
                """
        CREATE TABLE IF NOT EXISTS schedules (
          instance_id      TEXT PRIMARY KEY,
          schedule         BLOB NOT NULL,
          last_full        INTEGER NOT NULL,
          last_incremental INTEGER NOT NULL
        )"""),
            Map.of(2, List.of("ALTER TABLE backups ADD COLUMN taken_on TEXT NOT NULL DEFAULT ''")));
    try {
      return new BackupCatalog(new GroupCommitter(c, "coffer-backup-catalog"));
    } catch (SQLException e) {
      throw new IOException("cannot open the backup catalog: " + e.getMessage(), e);
    }
  }

  /**
   * Inserts {@code entry} unless its command id is known; returns the entry stored under that
   * command id.
   */
  public BackupEntry insertIfAbsent(BackupEntry entry) {
    return run(
        "record backup " + entry.backupId(),
        c -> {
          Optional<BackupEntry> existing =
              query(c, "WHERE command_id = ?", entry.commandId()).stream().findFirst();
          if (existing.isPresent()) {
            return existing.get();
          }
          try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO backups (" + COLUMNS + ") " + VALUES)) {
            bind(ps, entry);
            ps.executeUpdate();
          }
          return entry;
        });
  }

  /** Replaces the stored entry with the same backup id. */
  public void update(BackupEntry entry) {
    run(
        "update backup " + entry.backupId(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM backups WHERE backup_id = ?")) {
            ps.setString(1, entry.backupId());
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO backups (" + COLUMNS + ") " + VALUES)) {
            bind(ps, entry);
            ps.executeUpdate();
          }
          return null;
        });
  }

  public void delete(String backupId) {
    run(
        "delete backup " + backupId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM backups WHERE backup_id = ?")) {
            ps.setString(1, backupId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  public Optional<BackupEntry> get(String backupId) {
    return run(
        "read backup " + backupId,
        c -> query(c, "WHERE backup_id = ?", backupId).stream().findFirst());
  }

  public Optional<BackupEntry> byCommand(String commandId) {
    return run(
        "read backup of command " + commandId,
        c -> query(c, "WHERE command_id = ?", commandId).stream().findFirst());
  }

  /** Backups of one instance ("" for all), newest first. */
  public List<BackupEntry> list(String instanceId) {
    return run(
        "list backups",
        c ->
            instanceId.isEmpty()
                ? query(c, "ORDER BY created_at DESC, backup_id DESC")
                : query(
                    c,
                    "WHERE instance_id = ? ORDER BY created_at DESC, backup_id DESC",
                    instanceId));
  }

  /** Backups whose parent is {@code backupId}. */
  public List<BackupEntry> children(String backupId) {
    return run(
        "list children of " + backupId,
        c -> query(c, "WHERE parent_id = ? ORDER BY created_at", backupId));
  }

  public List<BackupEntry> inState(BackupState state) {
    return run(
        "list backups by state",
        c -> query(c, "WHERE state = ? ORDER BY created_at", state.getNumber()));
  }

  public void putSchedule(BackupSchedule schedule, Instant now) {
    run(
        "save schedule of " + schedule.getInstanceId(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          INSERT INTO schedules (instance_id, schedule, last_full, last_incremental) VALUES (?, ?, ?, ?)
          ON CONFLICT (instance_id) DO UPDATE SET schedule = excluded.schedule""")) {
            ps.setString(1, schedule.getInstanceId());
            ps.setBytes(2, schedule.toByteArray());
            // a new schedule fires from now on, not for every past occurrence
            ps.setLong(3, now.toEpochMilli());
            ps.setLong(4, now.toEpochMilli());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Records that the schedule's occurrences up to {@code at} were taken. */
  public void markRun(String instanceId, boolean full, Instant at) {
    run(
        "mark schedule run of " + instanceId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE schedules SET "
                      + (full ? "last_full" : "last_incremental")
                      + " = ? WHERE instance_id = ?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, instanceId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  public Optional<ScheduleEntry> schedule(String instanceId) {
    return schedules().stream()
        .filter(s -> s.schedule().getInstanceId().equals(instanceId))
        .findFirst();
  }

  public List<ScheduleEntry> schedules() {
    return run(
        "list schedules",
        c -> {
          List<ScheduleEntry> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT schedule, last_full, last_incremental FROM schedules ORDER BY instance_id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new ScheduleEntry(
                      parseSchedule(rs.getBytes(1)),
                      Instant.ofEpochMilli(rs.getLong(2)),
                      Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
          return out;
        });
  }

  public boolean deleteSchedule(String instanceId) {
    return run(
        "delete schedule of " + instanceId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM schedules WHERE instance_id = ?")) {
            ps.setString(1, instanceId);
            return ps.executeUpdate() > 0;
          }
        });
  }

  private static void bind(PreparedStatement ps, BackupEntry e) throws SQLException {
    ps.setString(1, e.backupId());
    ps.setString(2, e.instanceId());
    ps.setInt(3, e.type().getNumber());
    ps.setString(4, e.parentId());
    ps.setInt(5, e.state().getNumber());
    ps.setString(6, e.commandId());
    ps.setString(7, e.origin());
    ps.setLong(8, e.created().toEpochMilli());
    if (e.finished() == null) {
      ps.setNull(9, Types.INTEGER);
    } else {
      ps.setLong(9, e.finished().toEpochMilli());
    }
    ps.setBytes(10, e.manifest() == null ? null : e.manifest().toByteArray());
    ps.setString(11, e.error());
    ps.setString(12, e.takenOn());
  }

  private static List<BackupEntry> query(Connection c, String where, Object... args)
      throws SQLException {
    List<BackupEntry> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM backups " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long finished = rs.getLong(9);
          boolean hasFinished = !rs.wasNull();
          byte[] manifest = rs.getBytes(10);
          out.add(
              new BackupEntry(
                  rs.getString(1),
                  rs.getString(2),
                  BackupType.forNumber(rs.getInt(3)),
                  rs.getString(4),
                  BackupState.forNumber(rs.getInt(5)),
                  rs.getString(6),
                  rs.getString(7),
                  Instant.ofEpochMilli(rs.getLong(8)),
                  hasFinished ? Instant.ofEpochMilli(finished) : null,
                  manifest == null ? null : parseManifest(manifest),
                  rs.getString(11),
                  rs.getString(12)));
        }
      }
    }
    return out;
  }

  private static BackupManifest parseManifest(byte[] bytes) throws SQLException {
    try {
      return BackupManifest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("corrupt manifest in the backup catalog", e);
    }
  }

  private static BackupSchedule parseSchedule(byte[] bytes) throws SQLException {
    try {
      return BackupSchedule.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("corrupt schedule in the backup catalog", e);
    }
  }

  private <T> T run(String what, GroupCommitter.Work<T> work) {
    try {
      return db.execute(work);
    } catch (SQLException e) {
      throw new IllegalStateException("backup catalog: cannot " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
