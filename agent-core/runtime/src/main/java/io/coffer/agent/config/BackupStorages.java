package io.coffer.agent.config;

import io.coffer.agent.storage.BackupStorage;
import io.coffer.agent.storage.LocalDirectoryStorage;
import io.coffer.agent.storage.S3Storage;
import java.io.IOException;
import java.util.List;

/** Builds the backup storage the agent configuration names. */
public final class BackupStorages {
  private BackupStorages() {}

  /**
   * @param resources receives what must be closed when the agent stops
   */
  public static BackupStorage open(AgentConfig.Backup config, List<AutoCloseable> resources)
      throws IOException {
    if (config.s3() != null) {
      S3Storage s3 = new S3Storage(config.s3());
      resources.add(s3);
      return s3;
    }
    return new LocalDirectoryStorage(config.localDir());
  }
}
