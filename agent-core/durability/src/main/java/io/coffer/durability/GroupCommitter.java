package io.coffer.durability;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for one SQLite connection: a single writer thread takes every operation queued while
 * the previous commit was on disk, runs them in one transaction (each in its own savepoint, so one
 * failure does not undo the others), commits once, then releases their callers. A caller returns
 * only after its change is durable; under concurrency one fsync serves many callers. It owns the
 * connection from then on, and closes it.
 */
public final class GroupCommitter implements AutoCloseable {
  /** Work on the connection; runs on the writer thread inside a transaction. */
  public interface Work<T> {
    T run(Connection db) throws SQLException;
  }

  private record Task<T>(Work<T> work, CompletableFuture<T> done) {}

  private static final int MAX_BATCH = 512;

  /** Truncations of the write-ahead log are at least this far apart ... */
  private static final long TRUNCATE_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** ... and wait for an idle writer at most this long. */
  private static final long TRUNCATE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Connection db;
  private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  /**
   * When a truncation was asked for (System.nanoTime), or 0. Written by work on the writer thread.
   */
  private volatile long truncateAskedAt;

  private long lastTruncate = System.nanoTime() - TRUNCATE_SPACING_NANOS;

  public GroupCommitter(Connection db, String name) throws SQLException {
    this.db = db;
    db.setAutoCommit(false);
    writer = new Thread(this::loop, name);
    writer.setDaemon(true);
    writer.start();
  }

  /** Runs {@code work} in the next group and returns once it is committed. */
  public <T> T execute(Work<T> work) throws SQLException {
    if (closed) {
      throw new SQLException("closed");
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    queue.add(new Task<>(work, done));
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for the commit", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
    }
  }

  /**
   * Asks the writer to checkpoint the write-ahead log into the database and truncate it to zero
   * bytes once it is idle (waiting at most 5 s for that, at most once a second). Call it after
   * erasing something secret: with {@code secure_delete} the database pages are zeroed, but the log
   * still holds the frames written before, until it is truncated.
   */
  public void truncateLogSoon() {
    if (truncateAskedAt == 0) {
      truncateAskedAt = System.nanoTime();
    }
  }

  private void loop() {
    List<Task<?>> batch = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    while (!closed) {
      try {
        Task<?> next = truncateAskedAt == 0 ? queue.take() : queue.poll(100, TimeUnit.MILLISECONDS);
        if (next == null) {
          truncateIfDue(true);
          continue;
        }
        batch.add(next);
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      for (Task<?> t : batch) {
        results.add(runOne(t));
      }
      try {
        db.commit();
        for (int i = 0; i < batch.size(); i++) {
          complete(batch.get(i), results.get(i));
        }
      } catch (SQLException e) {
        rollbackQuietly();
        batch.forEach(t -> t.done().completeExceptionally(e));
      }
      batch.clear();
      results.clear();
      truncateIfDue(queue.isEmpty());
    }
    queue.forEach(t -> t.done().completeExceptionally(new SQLException("closed")));
  }

  private void truncateIfDue(boolean idle) {
    long asked = truncateAskedAt;
    long now = System.nanoTime();
    if (asked == 0
        || now - lastTruncate < TRUNCATE_SPACING_NANOS
        || (!idle && now - asked < TRUNCATE_WAIT_NANOS)) {
      return;
    }
    truncateAskedAt = 0;
    lastTruncate = now;
    try {
      db.setAutoCommit(true); // a checkpoint cannot run inside the writer's transaction
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        db.setAutoCommit(false);
      }
    } catch (SQLException e) {
      truncateAskedAt = now; // try again later; the database itself is consistent either way
    }
  }

  private Object runOne(Task<?> t) {
    try {
      Savepoint sp = db.setSavepoint();
      try {
        Object r = t.work().run(db);
        db.releaseSavepoint(sp);
        return r;
      } catch (SQLException | RuntimeException e) {
        db.rollback(sp);
        return new Failure(e);
      }
    } catch (SQLException e) {
      return new Failure(e);
    }
  }

  private record Failure(Exception cause) {}

  @SuppressWarnings("unchecked")
  private static <T> void complete(Task<T> t, Object result) {
    if (result instanceof Failure f) {
      t.done().completeExceptionally(f.cause());
    } else {
      t.done().complete((T) result);
    }
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; callers got the commit error
    }
  }

  /** Stops the writer, failing whatever is still queued, then closes the connection. */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing: every commit already returned or failed
    }
  }
}
