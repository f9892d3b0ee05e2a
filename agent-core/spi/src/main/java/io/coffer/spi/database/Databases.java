package io.coffer.spi.database;

import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import java.util.List;

/**
 * The databases of an instance ({@link io.coffer.spi.Capability#DATABASES}). Called only while the
 * server is ready; a mutating call is made once per command (the runtime deduplicates by command
 * id) and validates its input fully before changing anything.
 */
public interface Databases {

  /** Databases visible to users; system databases are left out. */
  List<Database> list();

  /**
   * Creates a database.
   *
   * @throws DatastoreException INVALID_ARGUMENT (field {@code database.name}, {@code
   *     database.character_set}, {@code database.collation}), ALREADY_EXISTS
   */
  void create(Database database);

  /**
   * Drops a database.
   *
   * @throws DatastoreException INVALID_ARGUMENT (a system database), NOT_FOUND
   */
  void delete(String name);
}
