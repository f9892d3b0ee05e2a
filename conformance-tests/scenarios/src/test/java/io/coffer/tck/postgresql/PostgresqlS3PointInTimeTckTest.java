package io.coffer.tck.postgresql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PointInTimeTck;
import io.coffer.tck.S3Storage;
import io.coffer.tck.Testbed;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The point-in-time suite again with the backups and the WAL archive in a real S3-compatible server
 * ({@link S3Storage}): every 16 MiB segment is a multipart upload of 5 MiB parts.
 */
class PostgresqlS3PointInTimeTckTest extends PointInTimeTck {
  private S3Storage s3;

  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }

  @Override
  protected Testbed startTestbed(Path root) throws Exception {
    s3 = S3Storage.start(root);
    return s3.bed();
  }

  @Override
  protected Path archiveDir(String archiveId) {
    return s3.objects("logs/" + archiveId);
  }

  @AfterAll
  void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }
}
