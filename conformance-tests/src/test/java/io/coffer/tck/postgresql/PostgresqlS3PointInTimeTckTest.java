package io.coffer.tck.postgresql;

import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.storage.S3ProxyFixture;
import io.coffer.agent.storage.S3StorageConfig;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PointInTimeTck;
import io.coffer.tck.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The point-in-time suite again with the backups and the WAL archive in a real S3-compatible
 * server (S3Proxy on its filesystem backend, started here): every 16 MiB segment is a multipart
 * upload of 5 MiB parts.
 */
class PostgresqlS3PointInTimeTckTest extends PointInTimeTck {
  private S3ProxyFixture s3;

  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }

  @Override
  protected Testbed startTestbed(Path root) throws Exception {
    s3 = new S3ProxyFixture(Files.createDirectories(root.resolve("s3")));
    Testbed bed = Testbed.start(root);
    bed.useBackupStorage(new AgentConfig.Backup("s3", null, s3.config("coffer/", S3StorageConfig.MIN_PART_SIZE)));
    return bed;
  }

  /** S3Proxy's filesystem backend keeps each object as a file named by its key. */
  @Override
  protected Path archiveDir(String archiveId) {
    return work.resolve("s3").resolve(S3ProxyFixture.BUCKET).resolve("coffer/logs").resolve(archiveId);
  }

  @AfterAll
  void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }
}
