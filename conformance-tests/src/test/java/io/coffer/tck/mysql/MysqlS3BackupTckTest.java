package io.coffer.tck.mysql;

import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.storage.S3ProxyFixture;
import io.coffer.agent.storage.S3StorageConfig;
import io.coffer.tck.BackupTck;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The backup suite again with every agent keeping its backups in a real S3-compatible server
 * (S3Proxy on its filesystem backend, started here), uploads in 5 MiB multipart parts. It loads
 * 24 MiB rather than 110 (the local run covers size), which still spans several parts.
 */
class MysqlS3BackupTckTest extends BackupTck {
  private S3ProxyFixture s3;

  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }

  @Override
  protected long largeBytes() {
    return 24L << 20;
  }

  @Override
  protected Testbed startTestbed(Path root) throws Exception {
    s3 = new S3ProxyFixture(Files.createDirectories(root.resolve("s3")));
    Testbed bed = Testbed.start(root);
    bed.useBackupStorage(new AgentConfig.Backup("s3", null, s3.config("coffer/", S3StorageConfig.MIN_PART_SIZE)));
    return bed;
  }

  @AfterAll
  void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }
}
