package io.coffer.agent.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where backups are kept: a flat namespace of immutable objects (a local directory, an
 * S3-compatible bucket, ...). The runtime's backup pipeline is the only caller; it streams, so an
 * implementation must never need a whole object in memory.
 *
 * <p><b>Keys</b> are relative, {@code '/'}-separated paths of non-empty segments other than {@code
 * "."} and {@code ".."}, e.g. {@code "b-42/data"}; see {@link #checkKey}. An implementation may map
 * them onto a prefix of its own.
 *
 * <p><b>Visibility</b>: an object appears (to {@link #open}, {@link #list}, {@link #exists}) only
 * once the stream returned by {@link #create} is closed successfully, and then all at once; a
 * reader never sees a partial object. Creating an existing key replaces it.
 *
 * <p><b>Errors</b>: every method throws {@link IOException} when the store cannot be reached or
 * refuses the request (the message names the key and the cause); {@link #open} throws {@link
 * java.nio.file.NoSuchFileException} for a key that does not exist; an invalid key is an {@link
 * IllegalArgumentException}. Implementations must be safe for use by several threads.
 */
public interface BackupStorage {

  /**
   * Starts writing an object. Closing the returned stream commits it (fsync + rename, or completes
   * the multipart upload); {@link StorageOutputStream#abort()} discards everything written instead.
   * Exactly one of the two must be called; after either, the stream accepts no more writes.
   *
   * @throws IOException when the object cannot be started; close() throws when the commit fails, in
   *     which case nothing becomes visible
   */
  StorageOutputStream create(String key) throws IOException;

  /**
   * Opens a committed object for sequential reading from its first byte.
   *
   * @throws java.nio.file.NoSuchFileException when the key does not exist
   */
  InputStream open(String key) throws IOException;

  /** Keys of committed objects starting with {@code prefix} ("" for all), sorted ascending. */
  List<String> list(String prefix) throws IOException;

  /** Removes an object; does nothing when it does not exist (idempotent). */
  void delete(String key) throws IOException;

  /**
   * Removes what writers that never finished left under {@code prefix} (a directory prefix such as
   * {@code "b-42/"}): temporary files, unfinished multipart uploads. Called for a backup whose
   * writer died (kill -9), when no writer for that prefix can still be running. Idempotent.
   */
  void discardUncommitted(String prefix) throws IOException;

  /** Whether a committed object exists under {@code key}. */
  boolean exists(String key) throws IOException;

  /**
   * Validates a key (see the class comment) and returns it, so implementations reject the same keys
   * the same way.
   *
   * @throws IllegalArgumentException naming the key when it is not valid
   */
  static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
      throw new IllegalArgumentException("invalid backup storage key: " + key);
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty()
          || segment.equals(".")
          || segment.equals("..")
          || segment.indexOf('\\') >= 0) {
        throw new IllegalArgumentException("invalid backup storage key: " + key);
      }
    }
    return key;
  }
}
