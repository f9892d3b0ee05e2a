package io.coffer.agent.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import io.coffer.proto.v1.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agent's durable record of mutating jobs, keyed by command id: a job is journaled (fsync'd)
 * before it runs and its Result after, so that a re-delivered command returns the journaled result
 * instead of running twice, and results survive agent restarts until the control acknowledges them.
 *
 * <p>Stored in SQLite ({@code journal.db} in the state directory, mode 0600) in WAL mode with
 * {@code synchronous=FULL}: every commit is on disk before the call returns. Only the operation
 * kind is kept, never the command's payload, so passwords in commands never reach the disk. Writes
 * are group-committed ({@link GroupCommitter}): concurrent jobs share one fsync. The format is
 * versioned ({@link #FORMAT}, see {@link SqliteFile}); a newer agent migrates older journals, an
 * older agent refuses a newer journal.
 */
public final class JobJournal implements AutoCloseable {
  /** Journal format version, advertised in Hello. */
  public static final int FORMAT = 1;

  private final GroupCommitter writer;
  private final Clock clock;

  private JobJournal(Connection db, Clock clock) throws SQLException {
    this.writer = new GroupCommitter(db, "coffer-journal");
    this.clock = clock;
  }

  /** Opens (creating if needed) the journal in {@code stateDir}. */
  public static JobJournal open(Path stateDir) throws IOException {
    return open(stateDir, Clock.systemUTC());
  }

  public static JobJournal open(Path stateDir, Clock clock) throws IOException {
    Connection db =
        SqliteFile.open(
            stateDir.resolve("journal.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS jobs (
          command_id  TEXT PRIMARY KEY,
          operation   TEXT NOT NULL,
          state       TEXT NOT NULL CHECK (state IN ('RUNNING', 'DONE')),
          result      BLOB,
          acked       INTEGER NOT NULL DEFAULT 0,
          created_at  INTEGER NOT NULL,
          finished_at INTEGER
        )""",
                "CREATE INDEX IF NOT EXISTS jobs_unacked ON jobs (acked, state)"));
    try {
      return new JobJournal(db, clock);
    } catch (SQLException e) {
      throw new IOException("cannot open the job journal: " + e.getMessage(), e);
    }
  }

  /** A journaled job. {@code result} is empty while RUNNING. */
  public record Job(
      String commandId,
      String operation,
      State state,
      Optional<Result> result,
      boolean acknowledged) {}

  public enum State {
    RUNNING,
    DONE
  }

  /**
   * Records that {@code commandId} starts now. Durable when it returns.
   *
   * @return false when the journal already has this command id (nothing written)
   */
  public boolean begin(String commandId, String operation) {
    long now = clock.millis();
    try {
      return writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT OR IGNORE INTO jobs (command_id, operation, state, created_at) VALUES (?, ?, 'RUNNING', ?)")) {
              ps.setString(1, commandId);
              ps.setString(2, operation);
              ps.setLong(3, now);
              return ps.executeUpdate() == 1;
            }
          });
    } catch (SQLException e) {
      throw new JournalException("begin " + commandId, e);
    }
  }

  /** Records the job's result. Durable when it returns. */
  public void finish(String commandId, Result result) {
    long now = clock.millis();
    int updated;
    try {
      updated = writer.execute(c -> finish(c, commandId, result, now));
    } catch (SQLException e) {
      throw new JournalException("finish " + commandId, e);
    }
    if (updated != 1) {
      throw new JournalException("finish " + commandId + ": no such job", null);
    }
  }

  private static int finish(Connection c, String commandId, Result result, long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET state = 'DONE', result = ?, finished_at = ? WHERE command_id = ?")) {
      ps.setBytes(1, result.toByteArray());
      ps.setLong(2, now);
      ps.setString(3, commandId);
      return ps.executeUpdate();
    }
  }

  /** The control has the result; it need not be re-sent. */
  public void acknowledge(String commandId) {
    try {
      writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE jobs SET acked = 1 WHERE command_id = ? AND state = 'DONE'")) {
              ps.setString(1, commandId);
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new JournalException("acknowledge " + commandId, e);
    }
  }

  public Optional<Job> find(String commandId) {
    try {
      return writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT command_id, operation, state, result, acked FROM jobs WHERE command_id = ?")) {
              ps.setString(1, commandId);
              try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(job(rs)) : Optional.<Job>empty();
              }
            }
          });
    } catch (SQLException e) {
      throw new JournalException("find " + commandId, e);
    }
  }

  /** Results of finished jobs the control has not acknowledged, oldest first. */
  public List<Result> unacknowledged() {
    try {
      return writer.execute(
          c -> {
            List<Result> out = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT command_id, operation, state, result, acked FROM jobs WHERE acked = 0 AND state = 'DONE' ORDER BY finished_at");
                ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                job(rs).result().ifPresent(out::add);
              }
            }
            return out;
          });
    } catch (SQLException e) {
      throw new JournalException("list unacknowledged", e);
    }
  }

  /**
   * Called at start-up: jobs left RUNNING by a previous agent process were interrupted. They are
   * finished as ABORTED (the change may or may not have been applied) so the control learns a
   * definite outcome instead of waiting forever.
   *
   * @return how many jobs were aborted
   */
  public int abortInterrupted() {
    long now = clock.millis();
    try {
      return writer.execute(
          c -> {
            List<String> running = new ArrayList<>();
            try (Statement s = c.createStatement();
                ResultSet rs =
                    s.executeQuery("SELECT command_id FROM jobs WHERE state = 'RUNNING'")) {
              while (rs.next()) {
                running.add(rs.getString(1));
              }
            }
            for (String id : running) {
              finish(
                  c,
                  id,
                  Result.newBuilder()
                      .setCommandId(id)
                      .setStatus(
                          Status.newBuilder()
                              .setCode(Code.ABORTED_VALUE)
                              .setMessage(
                                  "the agent restarted while this command was running; it may or may not have taken effect"))
                      .build(),
                  now);
            }
            return running.size();
          });
    } catch (SQLException e) {
      throw new JournalException("abort interrupted jobs", e);
    }
  }

  /** Forgets acknowledged jobs finished before {@code cutoff}. */
  public int prune(Instant cutoff) {
    try {
      return writer.execute(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM jobs WHERE acked = 1 AND finished_at < ?")) {
              ps.setLong(1, cutoff.toEpochMilli());
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new JournalException("prune", e);
    }
  }

  private static Job job(ResultSet rs) throws SQLException {
    byte[] bytes = rs.getBytes(4);
    Optional<Result> result;
    try {
      result = bytes == null ? Optional.empty() : Optional.of(Result.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("corrupt result for " + rs.getString(1), e);
    }
    return new Job(
        rs.getString(1),
        rs.getString(2),
        State.valueOf(rs.getString(3)),
        result,
        rs.getInt(5) == 1);
  }

  @Override
  public void close() {
    writer.close();
  }

  /** The journal could not be read or written: the agent must not run the job. */
  public static final class JournalException extends RuntimeException {
    JournalException(String what, Throwable cause) {
      super("job journal: " + what + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }
  }
}
