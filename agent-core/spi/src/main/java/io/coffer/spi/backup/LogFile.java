package io.coffer.spi.backup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A completed transaction log file ready for the archive.
 *
 * @param name the file's name in the engine's own terms (PostgreSQL: a WAL segment such as {@code
 *     000000010000000000000003} or a timeline history file {@code 00000002.history}); it is the
 *     file's key in the archive, so: 1-128 characters of {@code [A-Za-z0-9._-]}, not starting with
 *     a dot
 * @param path where the file is now, readable by the agent
 */
public record LogFile(String name, Path path) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

  public LogFile {
    Objects.requireNonNull(path, "path");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a log file name: " + name);
    }
  }
}
