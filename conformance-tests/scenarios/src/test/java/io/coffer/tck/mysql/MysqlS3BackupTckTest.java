package io.coffer.tck.mysql;

import io.coffer.tck.BackupTck;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.S3Storage;
import io.coffer.tck.Testbed;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The backup suite again with every agent keeping its backups in a real S3-compatible server
 * ({@link S3Storage}), uploads in 5 MiB multipart parts. It loads 24 MiB rather than 110 (the local
 * run covers size), which still spans several parts.
 */
class MysqlS3BackupTckTest extends BackupTck {
  private S3Storage s3;

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
    s3 = S3Storage.start(root);
    return s3.bed();
  }

  @AfterAll
  void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }
}
