package io.coffer.plugin.redis.backup;

import io.coffer.spi.backup.BackupSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** A finished snapshot file being read. */
final class RdbSource implements BackupSource {
  private final InputStream stream;
  private final String version;
  private final Map<String, String> positions;

  RdbSource(InputStream stream, String version, Map<String, String> positions) {
    this.stream = stream;
    this.version = version;
    this.positions = positions;
  }

  @Override
  public InputStream stream() {
    return stream;
  }

  @Override
  public String tool() {
    return "redis-bgsave";
  }

  @Override
  public String toolVersion() {
    return version;
  }

  @Override
  public Map<String, String> finish() {
    return positions;
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (IOException ignored) {
      // nothing to clean up beyond the descriptor
    }
  }
}
