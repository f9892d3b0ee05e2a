package io.coffer.agent.backup;

import com.github.luben.zstd.ZstdOutputStream;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import io.coffer.agent.storage.BackupStorage;
import io.coffer.agent.storage.StorageOutputStream;
import io.coffer.spi.backup.BackupManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a backup: engine stream → zstd → Tink StreamingAead (fresh data key, wrapped by the master
 * key) → SHA-256 → storage, then the manifest, last. Memory is constant: one copy buffer, zstd's
 * window and its workers' jobs (native, a few MiB), one 16 KiB encryption segment and whatever the
 * storage buffers (one part for S3). See {@link Compression} for the zstd settings.
 *
 * <p>Objects of backup {@code id}: {@code id/key.tink}, {@code id/data.zst.tink}, {@code
 * id/manifest.json}. If anything fails (the engine stream throws, storage fails, the thread is
 * interrupted) the upload is aborted, the objects already written are deleted and no manifest
 * exists, so the backup is FAILED and leaves nothing behind. Restore: {@link RestoreJob}.
 */
public final class BackupPipeline {
  /** Bytes between two progress events. */
  public static final long PROGRESS_INTERVAL = 16L << 20;

  static final String COMPRESSION = "zstd";
  private static final int COPY_BUFFER = 128 << 10;
  private static final Logger log = LoggerFactory.getLogger(BackupPipeline.class);

  private final BackupStorage storage;
  private final MasterKey masterKey;
  private final Clock clock;
  private final Compression compression;

  /** With {@link Compression#DEFAULT}. */
  public BackupPipeline(BackupStorage storage, MasterKey masterKey, Clock clock) {
    this(storage, masterKey, clock, Compression.DEFAULT);
  }

  public BackupPipeline(
      BackupStorage storage, MasterKey masterKey, Clock clock, Compression compression) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.compression = Objects.requireNonNull(compression, "compression");
  }

  /**
   * Streams {@code engineStream} to storage until its end and commits the backup. Does not close
   * {@code engineStream} (the caller owns the engine process).
   *
   * @return the manifest as written; the backup is COMPLETED
   * @throws IOException from the engine stream or storage (the backup is FAILED, its objects
   *     removed); {@link InterruptedIOException} when the thread was interrupted
   * @throws IllegalStateException when objects with this id already exist (see {@link
   *     #discardIncomplete} for the leftovers of a crash)
   */
  public BackupManifest write(BackupJob job, InputStream engineStream, ProgressListener progress)
      throws IOException {
    String id = job.backupId();
    if (!storage.list(BackupLayout.prefix(id)).isEmpty()) {
      throw new IllegalStateException("backup " + id + " already exists in storage");
    }
    Instant startedAt = clock.instant();
    try {
      KeysetHandle keyset = DataKeys.generate();
      put(BackupLayout.wrappedKey(id), DataKeys.wrap(keyset, masterKey, id));
      DataSummary data =
          writeData(id, keyset.getPrimitive(StreamingAead.class), engineStream, progress);
      BackupManifest manifest =
          new BackupManifest(
              BackupManifest.FORMAT_VERSION,
              id,
              job.engine(),
              job.engineVersion(),
              job.tool(),
              job.toolVersion(),
              job.type(),
              job.parentId(),
              job.positions().get(),
              data.rawBytes,
              data.compressedBytes,
              data.storedBytes,
              data.sha256,
              COMPRESSION,
              DataKeys.SCHEME,
              masterKey.keyId(),
              startedAt,
              clock.instant());
      put(BackupLayout.manifest(id), ManifestCodec.encode(manifest)); // last: now COMPLETED
      return manifest;
    } catch (IOException | RuntimeException | Error e) {
      removeQuietly(id, e);
      throw e;
    } catch (GeneralSecurityException e) {
      removeQuietly(id, e);
      throw new IOException("backup " + id + ": cannot create its data key", e);
    }
  }

  /**
   * Removes what a crashed agent left of a backup that never got its manifest (FAILED), so the id
   * can be retried. Does nothing to a COMPLETED backup.
   *
   * @return whether anything was removed
   */
  public boolean discardIncomplete(String backupId) throws IOException {
    return discardIncomplete(storage, backupId);
  }

  /** {@link #discardIncomplete(String)} without a pipeline: it needs no key. */
  static boolean discardIncomplete(BackupStorage storage, String backupId) throws IOException {
    if (storage.exists(BackupLayout.manifest(backupId))) {
      return false;
    }
    List<String> leftovers = storage.list(BackupLayout.prefix(backupId));
    for (String key : leftovers) {
      storage.delete(key);
    }
    storage.discardUncommitted(BackupLayout.prefix(backupId)); // a data object cut off mid-write
    return !leftovers.isEmpty();
  }

  private record DataSummary(
      long rawBytes, long compressedBytes, long storedBytes, String sha256) {}

  private DataSummary writeData(
      String id, StreamingAead aead, InputStream engineStream, ProgressListener progress)
      throws IOException, GeneralSecurityException {
    StorageOutputStream object = storage.create(BackupLayout.data(id));
    boolean committed = false;
    ZstdOutputStream zstd = null;
    try {
      MessageDigest sha256 = sha256();
      CountingOutputStream stored =
          new CountingOutputStream(new DigestOutputStream(object, sha256));
      CountingOutputStream compressed =
          new CountingOutputStream(aead.newEncryptingStream(stored, DataKeys.ad(id)));
      zstd = new ZstdOutputStream(compressed, compression.level());
      if (compression.workers() > 0) {
        zstd.setWorkers(
            compression.workers()); // compresses beside this thread, which encrypts and hashes
      }
      long raw = copy(engineStream, zstd, stored, progress);
      // closing the chain writes zstd's last frame and the final AEAD segment, then commits
      zstd.close();
      committed = true;
      progress.onProgress(raw, stored.count());
      return new DataSummary(
          raw, compressed.count(), stored.count(), HexFormat.of().formatHex(sha256.digest()));
    } finally {
      if (!committed) {
        object.abort(); // before closing zstd, so its close cannot commit a partial object
        if (zstd != null) {
          closeQuietly(zstd); // frees zstd's native context; writes into the aborted object fail
        }
      }
    }
  }

  private static long copy(
      InputStream in, OutputStream out, CountingOutputStream stored, ProgressListener progress)
      throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    long total = 0;
    long nextEvent = PROGRESS_INTERVAL;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("backup interrupted");
      }
      out.write(buffer, 0, n);
      total += n;
      if (total >= nextEvent) {
        progress.onProgress(total, stored.count());
        nextEvent = total + PROGRESS_INTERVAL;
      }
    }
    return total;
  }

  private void put(String key, byte[] bytes) throws IOException {
    StorageOutputStream out = storage.create(key);
    try {
      out.write(bytes);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.close();
  }

  /** Removes whatever a failed write left, manifest first so the backup never looks COMPLETED. */
  private void removeQuietly(String id, Throwable failure) {
    for (String key :
        new String[] {
          BackupLayout.manifest(id), BackupLayout.data(id), BackupLayout.wrappedKey(id)
        }) {
      try {
        storage.delete(key);
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
        log.warn("backup {}: could not remove {} after failure", id, key, e);
      }
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException | RuntimeException ignored) {
      // expected: the object underneath was aborted
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
