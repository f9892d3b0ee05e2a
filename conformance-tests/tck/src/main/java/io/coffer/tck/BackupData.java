package io.coffer.tck;

import java.util.Map;

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
}
