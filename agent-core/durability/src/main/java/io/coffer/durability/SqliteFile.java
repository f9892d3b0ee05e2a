package io.coffer.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * Opens a journal file: SQLite, private (mode 0600), WAL mode with {@code synchronous=FULL} so a
 * commit is on disk when it returns, {@code secure_delete} so what is deleted is erased from the
 * file, and a format version in {@code PRAGMA user_version}. A newer program migrates older files
 * (here: creates the schema of a new one); an older program refuses a newer file rather than
 * misread it.
 */
public final class SqliteFile {
  private SqliteFile() {}

  /**
   * @param format the format this program writes
   * @param schema statements creating the schema of a new file
   * @throws IOException when the file cannot be opened or has a newer format
   */
  public static Connection open(Path file, int format, List<String> schema) throws IOException {
    return open(file, format, schema, Map.of());
  }

  /**
   * {@link #open(Path, int, List)}, migrating an older file: {@code migrations.get(v)} turns format
   * {@code v - 1} into {@code v}, and runs for every {@code v} after the file's format.
   */
  public static Connection open(
      Path file, int format, List<String> schema, Map<Integer, List<String>> migrations)
      throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try {
      Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=5000");
        // deleted and overwritten content is zeroed in the file, not left in free pages
        s.execute("PRAGMA secure_delete=ON");
        int version;
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > format) {
          db.close();
          throw new IOException(
              file
                  + " has format "
                  + version
                  + "; this program reads up to "
                  + format
                  + " (was it downgraded?)");
        }
        if (version == 0) {
          for (String statement : schema) {
            s.execute(statement);
          }
          s.execute("PRAGMA user_version = " + format);
        } else if (version < format) {
          for (int v = version + 1; v <= format; v++) {
            for (String statement : migrations.getOrDefault(v, List.of())) {
              s.execute(statement);
            }
          }
          s.execute("PRAGMA user_version = " + format);
        }
      }
      return db;
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }
}
