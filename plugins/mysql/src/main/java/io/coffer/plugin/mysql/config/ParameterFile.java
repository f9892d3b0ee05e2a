package io.coffer.plugin.mysql.config;

import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The option file mariadbd reads at start ({@code --defaults-file}, so no my.cnf of the host is
 * read): the parameters set through Coffer, one {@code name=value} per line under {@code
 * [mariadbd]} (<a href="https://mariadb.com/kb/en/configuring-mariadb-with-option-files/">option
 * files</a>). {@code SET GLOBAL} does not outlive a restart; this file does. Values are written
 * only after they were checked, and only plain ones (no quotes or newlines reach it).
 */
public final class ParameterFile {
  private static final String HEADER =
      "# Written by the Coffer agent (coffer config set); command-line options override it.\n"
          + "[mariadbd]\n";

  private final Path file;
  private final String include;

  /**
   * @param includes option files read after this one, in order, where they exist (the agent's
   *     server options, the Galera membership; {@code !include}, and mariadbd skips a missing one)
   */
  public ParameterFile(Path file, Path... includes) {
    this.file = file;
    StringBuilder text = new StringBuilder();
    for (Path p : includes) {
      text.append("!include ").append(p).append('\n');
    }
    this.include = text.toString();
  }

  public Path path() {
    return file;
  }

  /**
   * Creates an empty file when missing (a new or a freshly restored data directory): mariadbd needs
   * it.
   */
  public void ensureExists() {
    try {
      if (!Files.isRegularFile(file)
          || !Files.readString(file, StandardCharsets.UTF_8).endsWith(include)) {
        write(read()); // a file written before the include existed gains it
      }
    } catch (IOException e) {
      throw DatastoreException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized Map<String, String> read() {
    Map<String, String> out = new TreeMap<>();
    try {
      if (!Files.exists(file)) {
        return out;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && !line.startsWith("[") && !line.startsWith("!") && eq > 0) {
          out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
      return out;
    } catch (IOException e) {
      throw DatastoreException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized void write(Map<String, String> values) {
    StringBuilder text = new StringBuilder(HEADER);
    new TreeMap<>(values).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    text.append(include);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      // mariadbd reads it; nothing in it is secret
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw DatastoreException.internal("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
