package io.coffer.plugin.redis.server;

import io.coffer.plugin.kit.ServerUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Edits single directives of {@code redis.conf}, for what {@code CONFIG SET} cannot change
 * (parameters that need a restart) and for the AOF switch during a restore. Only plain values (no
 * spaces or quotes) are written; the rest of the file is left as Redis wrote it.
 */
public final class ConfigFile {
  private final Path file;
  private final ServerUser owner;

  public ConfigFile(Path file, ServerUser owner) {
    this.file = file;
    this.owner = owner;
  }

  /** The last value of a directive in the file (the one Redis applies), if any. */
  public Optional<String> get(String name) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String found = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] parts = line.trim().split("\\s+", 2);
      if (parts.length == 2 && parts[0].equalsIgnoreCase(name)) {
        found = unquote(parts[1].trim());
      }
    }
    return Optional.ofNullable(found);
  }

  /** Replaces every line of the directive with one line holding {@code value}, or appends it. */
  public void set(String name, String value) throws IOException {
    if (!value.matches("[A-Za-z0-9_.:-]+")) {
      throw new IllegalArgumentException("not a plain value: " + name);
    }
    List<String> lines =
        Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    List<String> out = new ArrayList<>();
    boolean written = false;
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+", 2);
      if (parts.length >= 1 && parts[0].equalsIgnoreCase(name) && !line.trim().startsWith("#")) {
        if (!written) {
          out.add(name + " " + value);
          written = true;
        }
        continue;
      }
      out.add(line);
    }
    if (!written) {
      out.add(name + " " + value);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".coffer-tmp");
    Files.write(tmp, out, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    if (owner != null) {
      owner.chown(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }
}
