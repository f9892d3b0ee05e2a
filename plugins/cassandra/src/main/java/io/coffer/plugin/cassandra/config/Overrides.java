package io.coffer.plugin.cassandra.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters a user set, in the form {@code cassandra.yaml} takes them ({@code 64MiB/s}, {@code
 * 5000ms}, {@code true}), kept beside the data in {@code coffer-parameters.json} and merged into
 * {@code cassandra.yaml} at every start: the agent renders that file, so this is where a change
 * survives restarts.
 */
public final class Overrides {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public Overrides(Path file) {
    this.file = file;
  }

  /** The parameters set, by name; empty when none. */
  public synchronized Map<String, String> read() {
    if (!Files.exists(file)) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(
          JSON.readValue(
              Files.readString(file, StandardCharsets.UTF_8),
              new TypeReference<Map<String, String>>() {}));
    } catch (IOException e) {
      throw DatastoreException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the set parameters, atomically. */
  public synchronized void write(Map<String, String> values) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(
          tmp, JSON.writeValueAsString(new TreeMap<>(values)), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw DatastoreException.internal("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
