package io.coffer.plugin.postgresql.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.spi.DatastoreManager;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Plays the runtime's part around a {@link io.coffer.spi.backup.BackupStrategy}: stores the engine
 * stream in a file (no compression or encryption here), writes the manifest from {@link
 * BackupSource#finish()}, and feeds stored backups to a restore session in chain order.
 */
final class RuntimeStandIn {

  /** A completed backup: its manifest and its engine bytes. */
  record Stored(BackupManifest manifest, Path data) {}

  private final Path root;

  RuntimeStandIn(Path root) {
    this.root = root;
  }

  Stored backup(DatastoreManager source, String id, BackupType type) throws IOException {
    Path scratch = Files.createDirectories(root.resolve("scratch-" + id));
    Path data = Files.createDirectories(root.resolve("backups")).resolve(id);
    Instant started = Instant.now();
    try (BackupSource tool = source.backup().open(new BackupRequest(id, type, null, scratch))) {
      long bytes;
      try (InputStream in = tool.stream()) {
        bytes = Files.copy(in, data);
      }
      Map<String, String> positions = tool.finish();
      return new Stored(
          manifest(
              id,
              source.serverVersion(),
              tool.tool(),
              tool.toolVersion(),
              type,
              positions,
              bytes,
              started),
          data);
    }
  }

  static BackupManifest manifest(
      String id,
      String engineVersion,
      String tool,
      String toolVersion,
      BackupType type,
      Map<String, String> positions,
      long bytes,
      Instant started) {
    return new BackupManifest(
        BackupManifest.FORMAT_VERSION,
        id,
        "postgresql",
        engineVersion,
        tool,
        toolVersion,
        type,
        null,
        positions,
        bytes,
        bytes,
        bytes,
        "0".repeat(64),
        "none",
        "none",
        "test-key",
        started,
        Instant.now());
  }

  void restore(DatastoreManager target, List<Stored> chain, ServerControl server)
      throws IOException {
    Path scratch =
        Files.createDirectories(
            root.resolve(
                "restore-"
                    + chain.get(chain.size() - 1).manifest().backupId()
                    + "-"
                    + System.nanoTime()));
    try (RestoreSession session =
        target
            .backup()
            .restore(new RestoreRequest(chain.stream().map(Stored::manifest).toList(), scratch))) {
      for (Stored backup : chain) {
        try (InputStream in = Files.newInputStream(backup.data())) {
          session.stage(backup.manifest(), in);
          assertThat(in.read()).as("the plugin read the stream to its end").isEqualTo(-1);
        }
      }
      session.install(server);
    }
  }
}
