package io.coffer.durability;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

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
  private final Connection db;
  private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

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

  private void loop() {
    List<Task<?>> batch = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    while (!closed) {
      try {
        batch.add(queue.take());
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
    }
    queue.forEach(t -> t.done().completeExceptionally(new SQLException("closed")));
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
