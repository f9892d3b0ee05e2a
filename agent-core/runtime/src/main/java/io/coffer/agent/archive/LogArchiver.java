package io.coffer.agent.archive;

import io.coffer.agent.storage.BackupStorage;
import io.coffer.agent.storage.StorageOutputStream;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.backup.LogFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives the engine's completed log files, continuously, on a thread of its own: every {@code
 * interval} (or at once when {@link #flush} asks) it takes what {@link LogArchiving#ready()} lists,
 * oldest first, stores each as a {@link LogObject} under {@link ArchiveLayout} and only then tells
 * the plugin it may drop its copy. A failure (storage down, no key yet) leaves the file where it is
 * and retries with a growing pause (up to a minute), so a file is never lost, only late.
 */
public final class LogArchiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogArchiver.class);
  private static final Duration MAX_PAUSE = Duration.ofMinutes(1);

  /** The newest file archived by this agent, and when. */
  public record Archived(String name, Instant at) {}

  /** For the heartbeat: the newest archived file (empty before the first) and how many wait. */
  public record Status(Optional<Archived> last, int pending, String error) {}

  private final BackupStorage storage;
  private final LogArchiving archiving;
  private final ArchiveKeys keys;
  private final String archiveId;
  private final Clock clock;
  private final Duration interval;
  private final BooleanSupplier serverReady;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Archived last;
  private volatile int pending;
  private volatile String error = "";

  public LogArchiver(
      BackupStorage storage,
      LogArchiving archiving,
      ArchiveKeys keys,
      String archiveId,
      Clock clock,
      Duration interval) {
    this(storage, archiving, keys, archiveId, clock, interval, () -> true);
  }

  /**
   * @param serverReady whether the engine's server is up; rounds are skipped while it is not (at
   *     start, during a restore), since the plugin may need it to list its files
   */
  public LogArchiver(
      BackupStorage storage,
      LogArchiving archiving,
      ArchiveKeys keys,
      String archiveId,
      Clock clock,
      Duration interval,
      BooleanSupplier serverReady) {
    this.serverReady = serverReady;
    this.storage = Objects.requireNonNull(storage, "storage");
    this.archiving = Objects.requireNonNull(archiving, "archiving");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.archiveId = archiveId;
    ArchiveLayout.prefix(archiveId); // fails now for an id that cannot be a key
    this.clock = clock;
    this.interval = interval;
    this.thread = new Thread(this::run, "coffer-log-archiver");
    this.thread.setDaemon(true);
  }

  public String archiveId() {
    return archiveId;
  }

  public void start() {
    thread.start();
  }

  public Status status() {
    return new Status(Optional.ofNullable(last), pending, error);
  }

  private void run() {
    Duration pause = interval;
    while (!stopping) {
      try {
        archiveReady();
        error = "";
        pause = interval;
      } catch (IOException | RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        if (!message.equals(error)) {
          log.warn(
              "log archiving is behind: {}; retrying (the files stay until archived)", message);
        }
        error = message;
        pause = min(pause.multipliedBy(2), MAX_PAUSE);
      }
      try {
        wake.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void archiveReady() throws IOException {
    if (!serverReady.getAsBoolean()) {
      return;
    }
    List<LogFile> ready = archiving.ready();
    pending = ready.size();
    if (ready.isEmpty()) {
      return;
    }
    ArchiveKeys.PublicKey key =
        keys.current()
            .orElseThrow(
                () ->
                    new IOException(
                        "no archive key yet (the agent gets it from the control when it connects)"));
    for (LogFile file : ready) {
      if (stopping) {
        return;
      }
      Instant at = clock.instant();
      store(file, key, at);
      archiving.archived(file);
      last = new Archived(file.name(), at);
      pending--;
      log.debug("archived {}", file.name());
    }
  }

  private void store(LogFile file, ArchiveKeys.PublicKey key, Instant at) throws IOException {
    String objectKey = ArchiveLayout.object(archiveId, file.name());
    StorageOutputStream out = storage.create(objectKey);
    try (InputStream in = Files.newInputStream(file.path())) {
      LogObject.write(in, out, objectKey, at, key);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw new IOException(
          "cannot archive " + file.name() + " to " + storage + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes the engine's current log file and waits until everything committed before this call is
   * archived.
   *
   * @return the last file that had to be archived
   * @throws DatastoreException FAILED_PRECONDITION from the plugin (e.g. a standby), UNAVAILABLE
   *     when the file is not archived within {@code timeout}, naming what holds it up
   */
  public Archived flush(Duration timeout) {
    String name = archiving.switchLog();
    String objectKey = ArchiveLayout.object(archiveId, name);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      wake.release();
      try {
        if (storage.exists(objectKey)) {
          Archived l = last;
          return l != null && l.name().equals(name) ? l : new Archived(name, clock.instant());
        }
      } catch (IOException e) {
        error = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw DatastoreException.unavailable(
            name
                + " was not archived within "
                + timeout.toSeconds()
                + " s"
                + (error.isEmpty() ? "" : ": " + error),
            null);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DatastoreException.internal("interrupted while waiting for the archive", e);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    stopping = true;
    wake.release();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
