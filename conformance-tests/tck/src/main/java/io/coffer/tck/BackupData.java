package io.coffer.tck;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.assertj.core.api.Assertions;

/**
 * Engine-specific data checks for the backup suite, connected as the engine's superuser. The suite
 * never looks inside the data; it compares fingerprints.
 */
public interface BackupData extends AutoCloseable {

  /**
   * Creates database {@code database} with several tables and fills them with about {@code bytes}
   * bytes of varied, poorly compressible data.
   */
  void load(String database, long bytes) throws Exception;

  /** A small write to {@code database} (e.g. between incremental backups). */
  void write(String database, String marker) throws Exception;

  /**
   * A fingerprint of every user table: table name to an engine checksum (MariaDB: {@code CHECKSUM
   * TABLE}; PostgreSQL: a hash of the ordered rows; Redis: {@code DEBUG DIGEST}).
   */
  Map<String, String> fingerprint() throws Exception;

  @Override
  void close() throws Exception;

  /**
   * Waits until the fingerprints read through {@code replica} equal those read through {@code
   * source}, each read in a new session; failing reads are retried (a replica may refuse reads
   * while it loads a full resynchronisation, as Redis does, or restart while it rejoins).
   *
   * @throws AssertionError naming {@code what} when they still differ after {@code timeout}
   */
  static void awaitSame(
      Callable<BackupData> source, Callable<BackupData> replica, Duration timeout, String what)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Map<String, String> expected = Map.of();
    Map<String, String> actual = Map.of();
    do {
      try (BackupData s = source.call();
          BackupData r = replica.call()) {
        expected = s.fingerprint();
        actual = r.fingerprint();
      } catch (Exception e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(250);
        continue;
      }
      if (expected.equals(actual)) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < end);
    Assertions.assertThat(actual).as(what).isEqualTo(expected);
  }
}
